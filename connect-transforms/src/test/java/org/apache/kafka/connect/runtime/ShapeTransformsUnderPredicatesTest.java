package org.apache.kafka.connect.runtime;

import io.connectdelta.event.Formats;
import io.connectdelta.testing.ChangeEvents;
import io.connectdelta.transforms.ToDelta;
import io.connectdelta.transforms.ToFull;
import io.connectdelta.transforms.ToIdOnly;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.internals.Plugin;
import org.apache.kafka.connect.runtime.isolation.LoaderSwap;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.HasHeaderKey;
import org.apache.kafka.connect.transforms.predicates.Predicate;
import org.apache.kafka.connect.transforms.predicates.TopicNameMatches;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.connectdelta.testing.ChangeEvents.copy;
import static io.connectdelta.testing.ChangeEvents.formatHeader;
import static io.connectdelta.testing.ChangeEvents.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The transforms run as the worker runs them: each in a {@link TransformationStage} with a predicate
 * (this test lives in the runtime's package to build the stages the way ConnectorConfig does).
 */
class ShapeTransformsUnderPredicatesTest {

    @Test
    void transformsApplyOnlyWherePredicatesSaySo() throws Exception {
        TopicNameMatches<SinkRecord> itemsTopic = new TopicNameMatches<>();
        itemsTopic.configure(Map.of("pattern", "server\\.public\\.items"));
        HasHeaderKey<SinkRecord> hasFormat = new HasHeaderKey<>();
        hasFormat.configure(Map.of("name", Formats.FORMAT_HEADER));
        HasHeaderKey<SinkRecord> hasFormatToo = new HasHeaderKey<>();
        hasFormatToo.configure(Map.of("name", Formats.FORMAT_HEADER));

        ToDelta<SinkRecord> toDelta = new ToDelta<>();
        toDelta.configure(Map.of(ToDelta.FORMAT_CONFIG, "fields"));
        ToFull<SinkRecord> toFull = new ToFull<>();
        toFull.configure(Map.of(ToFull.ON_MISSING_STATE_CONFIG, "pass"));
        ToIdOnly<SinkRecord> toIdOnly = new ToIdOnly<>();
        toIdOnly.configure(Map.of());

        List<TransformationStage<SinkRecord>> stages = List.of(
                stage(itemsTopic, false, toDelta),
                stage(hasFormat, false, toFull),
                stage(hasFormatToo, true, toIdOnly));

        SinkRecord insert = ChangeEvents.structRecord("c", null, row(1), 1, 1);
        SinkRecord items = apply(stages, insert);
        assertEquals("full", formatHeader(items), "ToDelta then ToFull ran on the items topic");
        assertEquals(insert.value(), items.value());

        SinkRecord other = ChangeEvents.structRecord("u", row(1), copy(row(1)).put("name", "x"), 1, 2);
        other = other.newRecord("other.topic", 0, other.keySchema(), other.key(), other.valueSchema(), other.value(), 1L);
        SinkRecord untouched = apply(stages, other);
        assertEquals("id-only", formatHeader(untouched), "only the negated ToIdOnly stage ran");
        assertEquals("server.public.items.IdOnly", untouched.valueSchema().name());

        SinkRecord tombstone = ChangeEvents.record(ChangeEvents.KEY, ChangeEvents.key(1), null, null, 3);
        assertSame(tombstone, apply(stages, tombstone));
        for (TransformationStage<SinkRecord> stage : stages) {
            stage.close();
        }
    }

    @Test
    void configDefsAreExposedAndValidated() {
        List<Transformation<SinkRecord>> transforms = List.of(new ToDelta<>(), new ToFull<>(), new ToIdOnly<>());
        assertSame(ToDelta.CONFIG_DEF, transforms.get(0).config());
        assertSame(ToFull.CONFIG_DEF, transforms.get(1).config());
        assertSame(ToIdOnly.CONFIG_DEF, transforms.get(2).config());
        for (ConfigDef def : List.of(ToDelta.CONFIG_DEF, ToFull.CONFIG_DEF)) {
            for (ConfigDef.ConfigKey key : def.configKeys().values()) {
                assertFalse(key.documentation == null || key.documentation.isBlank(), key.name + " has a doc string");
            }
        }
        assertErrors(ToDelta.CONFIG_DEF, Map.of(ToDelta.FORMAT_CONFIG, "avro"), ToDelta.FORMAT_CONFIG);
        assertErrors(ToDelta.CONFIG_DEF, Map.of("unavailable.value.placeholder", "hex:q"), "unavailable.value.placeholder");
        assertErrors(ToFull.CONFIG_DEF, Map.of(ToFull.STATE_STORE_CONFIG, "disk"), ToFull.STATE_STORE_CONFIG);
        assertErrors(ToFull.CONFIG_DEF, Map.of(ToFull.STATE_MAX_ENTRIES_CONFIG, "-1"), ToFull.STATE_MAX_ENTRIES_CONFIG);
        assertErrors(ToFull.CONFIG_DEF, Map.of(ToFull.ON_MISSING_STATE_CONFIG, "drop"), ToFull.ON_MISSING_STATE_CONFIG);
        assertThrows(ConfigException.class, () -> new ToDelta<SinkRecord>().configure(Map.of(ToDelta.FORMAT_CONFIG, "avro")));
        assertThrows(ConfigException.class, () -> new ToFull<SinkRecord>().configure(Map.of(ToFull.STATE_MAX_ENTRIES_CONFIG, "x")));
    }

    private static void assertErrors(ConfigDef def, Map<String, String> config, String key) {
        ConfigValue value = def.validate(config).stream().filter(v -> v.name().equals(key)).findFirst().orElseThrow();
        assertFalse(value.errorMessages().isEmpty(), key + " accepted " + config);
    }

    private static TransformationStage<SinkRecord> stage(Predicate<SinkRecord> predicate, boolean negate,
                                                         Transformation<SinkRecord> transformation) {
        return new TransformationStage<>(Plugin.wrapInstance(predicate, null, "predicate"), "p", null, negate,
                Plugin.wrapInstance(transformation, null, "transform"), "t", null, LoaderSwap::new);
    }

    private static SinkRecord apply(List<TransformationStage<SinkRecord>> stages, SinkRecord record) {
        SinkRecord current = record;
        for (TransformationStage<SinkRecord> stage : stages) {
            current = stage.apply(current);
            assertTrue(current != null, "no stage drops a record");
        }
        return current;
    }
}
