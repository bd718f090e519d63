package io.connectdelta.jdbc.type;

/** Names of the Connect and Debezium logical types the sink and the re-select convert. */
public final class LogicalTypes {
    public static final String DECIMAL = org.apache.kafka.connect.data.Decimal.LOGICAL_NAME;
    public static final String DATE = org.apache.kafka.connect.data.Date.LOGICAL_NAME;
    public static final String TIME = org.apache.kafka.connect.data.Time.LOGICAL_NAME;
    public static final String TIMESTAMP = org.apache.kafka.connect.data.Timestamp.LOGICAL_NAME;
    public static final String DBZ_VARIABLE_SCALE_DECIMAL = "io.debezium.data.VariableScaleDecimal";
    public static final String DBZ_DATE = "io.debezium.time.Date";
    public static final String DBZ_TIME = "io.debezium.time.Time";
    public static final String DBZ_MICRO_TIME = "io.debezium.time.MicroTime";
    public static final String DBZ_NANO_TIME = "io.debezium.time.NanoTime";
    public static final String DBZ_TIMESTAMP = "io.debezium.time.Timestamp";
    public static final String DBZ_MICRO_TIMESTAMP = "io.debezium.time.MicroTimestamp";
    public static final String DBZ_NANO_TIMESTAMP = "io.debezium.time.NanoTimestamp";
    public static final String DBZ_ZONED_TIMESTAMP = "io.debezium.time.ZonedTimestamp";
    public static final String DBZ_ZONED_TIME = "io.debezium.time.ZonedTime";
    public static final String DBZ_UUID = "io.debezium.data.Uuid";
    public static final String DBZ_JSON = "io.debezium.data.Json";
    public static final String DBZ_ENUM = "io.debezium.data.Enum";
    public static final String DBZ_XML = "io.debezium.data.Xml";

    private LogicalTypes() {
    }
}
