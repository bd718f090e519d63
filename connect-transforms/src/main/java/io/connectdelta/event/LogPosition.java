package io.connectdelta.event;

import java.util.Arrays;

/**
 * Where a change stands in its source's change log, comparable with the other changes of the same log: what the
 * sink records with its progress, so that an event that a source sends again (Debezium is at-least-once) is seen
 * to be at or below what was already applied.
 * <p>
 * A position is a log name and a few non-negative numbers compared left to right. Two positions compare only when
 * they name the same log and have as many numbers ({@link #comparableTo}); a log of another server (a GTID of
 * another server uuid, another binlog) is not comparable, and a consumer must then treat the event as new.
 * <p>
 * The text form ({@link #encode}) sorts like the positions it encodes, within one log: the numbers are written as
 * 16 hexadecimal digits each. A database can compare it with {@code <} as well.
 *
 * <ul>
 *   <li>PostgreSQL: {@code source.sequence}, Debezium's
 *       {@code ["<last commit LSN>","<LSN>"]}, which it documents for exactly this purpose: both parts grow in
 *       the order of the replication stream (transactions in commit order, events of a transaction in LSN order).
 *       Without {@code sequence} the LSN alone does not order events of interleaved transactions: no position.</li>
 *   <li>MySQL and MariaDB: the binlog {@code file}'s number, {@code pos} and {@code row}, in a log named after
 *       {@code server_id}.</li>
 *   <li>Snapshot events ({@code source.snapshot} other than {@code false}, and every read, op {@code r}) share
 *       one position: none.</li>
 * </ul>
 */
public final class LogPosition implements Comparable<LogPosition> {
    /** Between the log's name and the numbers in {@link #encode}'s text; no log name holds it. */
    public static final char SEPARATOR = '@';
    /**
     * A log's name followed by this is a text above every encoded position of that log and below those of other
     * logs that it prefixes: the encoded numbers are hexadecimal digits and '.', which sort below 'g'.
     */
    public static final String LOG_END_SUFFIX = SEPARATOR + "g";

    private final String log;
    private final long[] numbers;

    private LogPosition(String log, long[] numbers) {
        this.log = log;
        this.numbers = numbers;
    }

    public static LogPosition of(String log, long... numbers) {
        if (log == null || log.indexOf(SEPARATOR) >= 0) {
            throw new IllegalArgumentException("A log name must be given and must not hold '" + SEPARATOR + "': " + log);
        }
        for (long number : numbers) {
            if (number < 0) {
                throw new IllegalArgumentException("Log positions are not negative: " + Arrays.toString(numbers));
            }
        }
        return new LogPosition(log, numbers.clone());
    }

    /**
     * The position of a change event with this Debezium source block (Struct or Map), or null when the block
     * does not order the event within its log (no block, a snapshot, another connector, missing fields). The
     * connector is told by the fields ({@code sequence}; {@code file}), so a trimmed block that keeps only them
     * still has a position.
     */
    public static LogPosition ofSource(Object source) {
        if (source == null) {
            return null;
        }
        Object snapshot = ChangeEventReader.get(source, "snapshot");
        if (snapshot != null && !"false".equals(snapshot.toString())) {
            return null;
        }
        // By the fields, not source.connector: a compact block (metadata.fields) may keep only these.
        Object sequence = ChangeEventReader.get(source, "sequence");
        if (sequence != null) {
            return postgres(sequence);
        }
        if (ChangeEventReader.get(source, "file") != null) {
            return binlog(source);
        }
        return null;
    }

    /** From Debezium PostgreSQL's {@code sequence}: {@code ["<last commit LSN>","<LSN>"]}, either may be null. */
    static LogPosition postgres(Object sequence) {
        if (!(sequence instanceof String)) {
            return null;
        }
        String text = ((String) sequence).trim();
        if (text.length() < 2 || text.charAt(0) != '[' || text.charAt(text.length() - 1) != ']') {
            return null;
        }
        String[] parts = text.substring(1, text.length() - 1).split(",", -1);
        if (parts.length != 2) {
            return null;
        }
        Long commit = lsn(parts[0]);
        Long lsn = lsn(parts[1]);
        if (lsn == null) {
            return null;
        }
        return new LogPosition("postgresql", new long[] {commit == null ? 0 : commit, lsn});
    }

    private static Long lsn(String part) {
        String text = part.trim();
        if (text.startsWith("\"") && text.endsWith("\"") && text.length() >= 2) {
            text = text.substring(1, text.length() - 1);
        }
        if (text.isEmpty() || "null".equals(text)) {
            return null;
        }
        try {
            long value = Long.parseLong(text);
            return value < 0 ? null : value;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** From a binlog connector's {@code file} (its number), {@code pos} and {@code row}, per {@code server_id}. */
    static LogPosition binlog(Object source) {
        Object file = ChangeEventReader.get(source, "file");
        Long pos = SourcePosition.number(ChangeEventReader.get(source, "pos"));
        Long row = SourcePosition.number(ChangeEventReader.get(source, "row"));
        Object serverId = ChangeEventReader.get(source, "server_id");
        if (file == null || pos == null || pos < 0) {
            return null;
        }
        Long fileNumber = binlogFileNumber(file.toString());
        if (fileNumber == null) {
            return null;
        }
        return new LogPosition("binlog:" + (serverId == null ? "" : serverId),
                new long[] {fileNumber, pos, row == null || row < 0 ? 0 : row});
    }

    /** The number at the end of a binlog file name ({@code mysql-bin.000003} is 3), or null. */
    static Long binlogFileNumber(String file) {
        int dot = file.lastIndexOf('.');
        try {
            long number = Long.parseLong(file.substring(dot + 1));
            return number < 0 ? null : number;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public String log() {
        return log;
    }

    /** True when both positions are in the same log and can be compared. */
    public boolean comparableTo(LogPosition other) {
        return other != null && log.equals(other.log) && numbers.length == other.numbers.length;
    }

    /** True when this position is comparable to {@code other} and not after it. */
    public boolean isAtOrBefore(LogPosition other) {
        return comparableTo(other) && compareTo(other) <= 0;
    }

    /** Orders positions of one log; see {@link #comparableTo}. */
    @Override
    public int compareTo(LogPosition other) {
        if (!comparableTo(other)) {
            throw new IllegalArgumentException("Positions of different logs do not compare: " + this + ", " + other);
        }
        return Arrays.compare(numbers, other.numbers);
    }

    /** The text form, {@code <log>@<16 hex digits>.<16 hex digits>...}, that sorts like the positions of its log. */
    public String encode() {
        StringBuilder sb = new StringBuilder(log.length() + 1 + 17 * numbers.length).append(log).append(SEPARATOR);
        for (int i = 0; i < numbers.length; i++) {
            if (i > 0) {
                sb.append('.');
            }
            String hex = Long.toHexString(numbers[i]);
            sb.append("0".repeat(16 - hex.length())).append(hex);
        }
        return sb.toString();
    }

    /** Reads {@link #encode}'s form; null for null, an IllegalArgumentException for anything else. */
    public static LogPosition decode(String text) {
        if (text == null) {
            return null;
        }
        int at = text.lastIndexOf(SEPARATOR);
        if (at < 0) {
            throw new IllegalArgumentException("Not a log position: " + text);
        }
        String[] parts = text.substring(at + 1).split("\\.");
        long[] numbers = new long[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                numbers[i] = Long.parseUnsignedLong(parts[i], 16);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Not a log position: " + text, e);
        }
        return of(text.substring(0, at), numbers);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogPosition && log.equals(((LogPosition) o).log)
                && Arrays.equals(numbers, ((LogPosition) o).numbers);
    }

    @Override
    public int hashCode() {
        return 31 * log.hashCode() + Arrays.hashCode(numbers);
    }

    @Override
    public String toString() {
        return log + Arrays.toString(numbers);
    }
}
