package io.connectdelta.bench;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Pre-loads benchmark topics: serializes records with JsonConverter (schemas on), as a Debezium source on a worker would. */
final class TopicProducer implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final JsonConverter keys = new JsonConverter();
    private final JsonConverter values = new JsonConverter();

    TopicProducer(EmbeddedConnectCluster connect) {
        producer = connect.kafka().createProducer(Map.of(
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 1024 * 1024,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024));
        keys.configure(Map.of("schemas.enable", "true", "converter.type", "key"));
        values.configure(Map.of("schemas.enable", "true", "converter.type", "value"));
    }

    void send(SourceRecord record, String topic) {
        send(record, topic, 0);
    }

    void send(SourceRecord record, String topic, int partition) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            headers.add(header.key(), String.valueOf(header.value()).getBytes(StandardCharsets.UTF_8));
        }
        producer.send(new ProducerRecord<>(topic, partition, keys.fromConnectData(topic, record.keySchema(), record.key()),
                values.fromConnectData(topic, record.valueSchema(), record.value()), headers));
    }

    @Override
    public void close() {
        producer.flush();
        producer.close();
    }
}
