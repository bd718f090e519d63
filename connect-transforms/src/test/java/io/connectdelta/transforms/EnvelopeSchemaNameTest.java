package io.connectdelta.transforms;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every transform names the envelopes it builds from the same place: a Debezium suffix is replaced, not kept. */
class EnvelopeSchemaNameTest {
    private static final Schema ROW = SchemaBuilder.struct().name("srv.public.t.Value")
            .field("id", Schema.INT32_SCHEMA).build();

    @Test
    void envelopeOfAnEventNamedLikeItsRowDropsTheValueSuffix() {
        Schema event = SchemaBuilder.struct().name("srv.public.t.Value").field("op", Schema.STRING_SCHEMA).build();
        assertEquals("srv.public.t.Envelope", EventSchemas.envelope(event, ROW).name());
    }

    @Test
    void envelopeOfDerivedShapesKeepsTheTopicPrefix() {
        for (String suffix : new String[] {".Envelope", ".Delta", ".JsonPatch", ".IdOnly"}) {
            Schema event = SchemaBuilder.struct().name("srv.public.t" + suffix).field("op", Schema.STRING_SCHEMA).build();
            assertEquals("srv.public.t.Envelope", EventSchemas.envelope(event, ROW).name(), suffix);
        }
    }
}
