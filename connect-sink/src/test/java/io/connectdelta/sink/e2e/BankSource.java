package io.connectdelta.sink.e2e;

import io.connectdelta.testing.TestDatabase;
import io.connectdelta.testing.TestDatabases;

import java.util.Map;

/**
 * Where the bank of the end-to-end tests lives and which real Debezium connector captures it: what
 * {@link BankPipeline} needs to know of a source, so the same tests run against PostgreSQL and binlog sources.
 */
abstract class BankSource {
    private final TestDatabase database;

    /** Creates the source database {@code <name>_source} on {@code server}, with the bank. */
    BankSource(TestDatabase server, String name) {
        this.database = server.createDatabase(name + "_source");
        Bank.createSource(database);
    }

    /** The source database, holding the bank ({@link Bank#createSource}). */
    final TestDatabase database() {
        return database;
    }

    /** Worker settings the connector needs (a binlog connector's plugin.path of its own), or none. */
    abstract Map<String, String> workerProps();

    /**
     * The connector capturing {@code accounts} and {@code transfers} into topics named after {@code prefix};
     * {@link BankPipeline#sourceConfig} adds the snapshot, transaction metadata and partitions.
     */
    abstract Map<String, String> connectorConfig(String connectorName, String prefix);

    /** Waits until the connector streams: every change committed from then on reaches it. */
    abstract void awaitStreaming(String connectorName);

    /** The topic the connector writes a bank table's changes to. */
    abstract String topic(String prefix, String table);

    /** Removes what the deleted connector left on the server (a replication slot), if anything. */
    abstract void release(String connectorName);

    /** A bank on the PostgreSQL server, captured by Debezium's PostgreSQL connector (pgoutput). */
    static BankSource postgres(String name) {
        return new PostgresBankSource(TestDatabases.postgres(), name);
    }

    /** A bank on the MariaDB server with a binlog, captured by Debezium's MariaDB connector. */
    static BankSource mariadb(String name) {
        return new MariaDbBankSource(TestDatabases.binlogMariaDb(), name);
    }
}
