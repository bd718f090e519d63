package io.connectdelta.sink.e2e;

import io.connectdelta.testing.DebeziumPostgres;
import io.connectdelta.testing.TestDatabase;

import java.util.Map;

/** The bank on PostgreSQL, captured by Debezium's PostgreSQL connector with a slot and publication of its own. */
final class PostgresBankSource extends BankSource {
    PostgresBankSource(TestDatabase server, String name) {
        super(server, name);
    }

    @Override
    Map<String, String> workerProps() {
        return Map.of();
    }

    @Override
    Map<String, String> connectorConfig(String connectorName, String prefix) {
        return DebeziumPostgres.connectorConfig(database(), connectorName, prefix, "public.accounts,public.transfers");
    }

    @Override
    void awaitStreaming(String connectorName) {
        DebeziumPostgres.awaitStreaming(database(), connectorName, BankPipeline.TIMEOUT);
    }

    @Override
    String topic(String prefix, String table) {
        return prefix + ".public." + table;
    }

    @Override
    void release(String connectorName) {
        DebeziumPostgres.dropSlotAndPublication(database(), connectorName);
    }
}
