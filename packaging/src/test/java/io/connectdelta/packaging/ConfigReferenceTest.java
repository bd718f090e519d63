package io.connectdelta.packaging;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigReferenceTest {

    /** A transform with every kind of key the reference has to render. */
    public static class SampleTransform<R extends ConnectRecord<R>> implements Transformation<R> {
        public static final String OVERVIEW_DOC = "Does nothing,\n  on purpose.";

        @Override
        public R apply(R record) {
            return record;
        }

        @Override
        public ConfigDef config() {
            return new ConfigDef()
                    .define("target.url", ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.Importance.HIGH,
                            "Where to | write <rows>.")
                    .define("secret", ConfigDef.Type.PASSWORD, "hunter2", ConfigDef.Importance.MEDIUM, "A password.")
                    .define("fields", ConfigDef.Type.LIST, "", ConfigDef.Importance.LOW, "Field names.")
                    .define("mode", ConfigDef.Type.STRING, "fast", ConfigDef.ValidString.in("fast", "safe"),
                            ConfigDef.Importance.HIGH, "How.")
                    .define("checked", ConfigDef.Type.STRING, "x", (name, value) -> {
                        if (value == null) {
                            throw new ConfigException(name, null, "required");
                        }
                    }, ConfigDef.Importance.LOW, "Checked by a lambda.");
        }

        @Override
        public void close() {
        }

        @Override
        public void configure(Map<String, ?> configs) {
        }
    }

    @Test
    void rendersOneTableRowPerKeyAndSkipsMissingClasses() throws Exception {
        ConfigReference reference = new ConfigReference(getClass().getClassLoader(),
                List.of(SampleTransform.class.getName(), "io.connectdelta.transforms.NoSuchTransform"));
        String markdown = reference.render();

        assertEquals(List.of(SampleTransform.class.getName()), reference.documented());
        assertEquals(List.of("io.connectdelta.transforms.NoSuchTransform"), reference.missing());
        assertTrue(markdown.contains("### SampleTransform (transform)\n\n`" + SampleTransform.class.getName()
                + "`\n\nDoes nothing, on purpose.\n"), markdown);
        assertTrue(markdown.contains("| `target.url` | string | (required) |  | high | Where to \\| write &lt;rows&gt;. |"),
                markdown);
        assertTrue(markdown.contains("| `secret` | password | [hidden] |  | medium | A password. |"), markdown);
        assertTrue(markdown.contains("| `fields` | list | \"\" |  | low | Field names. |"), markdown);
        assertTrue(markdown.contains("| `mode` | string | fast | [fast, safe] | high | How. |"), markdown);
        // A lambda's toString changes from run to run: the cell stays empty so the README does not churn.
        assertTrue(markdown.contains("| `checked` | string | x |  | low | Checked by a lambda. |"), markdown);
        assertEquals(markdown, new ConfigReference(getClass().getClassLoader(),
                List.of(SampleTransform.class.getName())).render());
    }

    @Test
    void replacesOnlyTheTextBetweenTheMarkers() {
        String readme = "# Title\n\n" + ConfigReference.START + "\nold\n" + ConfigReference.END + "\n\nafter\n";
        String updated = ConfigReference.replaceSection(readme, "new table");
        assertEquals("# Title\n\n" + ConfigReference.START + "\nnew table\n" + ConfigReference.END + "\n\nafter\n",
                updated);
        assertEquals("new table", ConfigReference.currentSection(updated));
    }

    @Test
    void failsWithoutMarkers() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ConfigReference.replaceSection("# no markers\n", "x"));
        assertTrue(e.getMessage().contains(ConfigReference.START), e.getMessage());
    }
}
