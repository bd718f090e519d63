package io.connectdelta.sink.support;

import io.connectdelta.testing.TestDatabase;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP forwarder in front of a real database that counts the queries clients run through it, read off the wire
 * protocol: PostgreSQL Execute (by the text its Parse gave the statement) and simple Query messages, MariaDB
 * COM_QUERY and COM_STMT_PREPARE packets. Only queries whose text contains {@code marker} count (e.g. a table
 * name), so that a driver's own catalog lookups do not. Optionally delays every client-to-server write by a
 * fixed latency, as a source across a network would, and can be cut ({@link #cut()}): new connections refused,
 * open ones killed, as when the database goes down or the network between fails.
 * <p>
 * PostgreSQL clients must connect without TLS/GSS negotiation ({@link #jdbcUrl()} says so), so that the stream
 * can be read.
 */
public final class QueryCountingProxy implements AutoCloseable {
    private final TestDatabase target;
    private final String marker;
    private final ServerSocket server;
    private final AtomicLong queries = new AtomicLong();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong killed = new AtomicLong();
    private volatile long latencyMillis;
    private volatile boolean cut;

    public QueryCountingProxy(TestDatabase target, String marker) {
        this.target = target;
        this.marker = marker;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Thread acceptor = new Thread(this::accept, "query-counting-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The database's JDBC URL through this proxy (PostgreSQL: without TLS, statements parsed every time). */
    public String jdbcUrl() {
        String hostPort = "127.0.0.1:" + server.getLocalPort();
        return target.isPostgres()
                ? "jdbc:postgresql://" + hostPort + "/" + target.database() + "?sslmode=disable&gssEncMode=disable"
                : "jdbc:mariadb://" + hostPort + "/" + target.database();
    }

    /** Queries counted so far. */
    public long queries() {
        return queries.get();
    }

    /** Delays every client-to-server write by this many milliseconds from now on (0: none). */
    public void latency(long millis) {
        latencyMillis = millis;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (cut) {
                    refused.incrementAndGet();
                    closeQuietly(client);
                    continue;
                }
                Socket upstream;
                try {
                    upstream = new Socket(target.host(), target.port());
                } catch (IOException down) {
                    // The database is down: the client sees its connection refused as it would without us.
                    closeQuietly(client);
                    continue;
                }
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.addAll(List.of(client, upstream));
                Parser parser = target.isPostgres() ? new PostgresParser() : new MariaDbParser();
                pump(client.getInputStream(), upstream.getOutputStream(), parser, client, upstream);
                pump(upstream.getInputStream(), client.getOutputStream(), null, client, upstream);
            } catch (IOException e) {
                // closed
            }
        }
    }

    private void pump(InputStream in, OutputStream out, Parser parser, Socket a, Socket b) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[65536];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (parser != null) {
                        parser.feed(buffer, n);
                        long latency = latencyMillis;
                        if (latency > 0) {
                            Thread.sleep(latency);
                        }
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // a side closed
            } finally {
                closeQuietly(a);
                closeQuietly(b);
            }
        }, "query-counting-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private void count(String sql) {
        if (sql != null && sql.contains(marker)) {
            queries.incrementAndGet();
        }
    }

    /** Splits a client's byte stream into protocol messages. */
    private abstract static class Parser {
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        void feed(byte[] bytes, int length) {
            pending.write(bytes, 0, length);
            byte[] data = pending.toByteArray();
            int used = consume(data);
            pending.reset();
            pending.write(data, used, data.length - used);
        }

        /** Handles the whole messages at the start of {@code data}; returns how many bytes they took. */
        abstract int consume(byte[] data);
    }

    private final class PostgresParser extends Parser {
        private boolean started;
        private final Map<String, String> statements = new HashMap<>();
        private final Map<String, String> portals = new HashMap<>();

        @Override
        int consume(byte[] data) {
            int at = 0;
            if (!started) {
                if (data.length < 4) {
                    return 0;
                }
                int length = int32(data, 0);
                if (data.length < length) {
                    return 0;
                }
                started = true;
                at = length;
            }
            while (data.length - at >= 5) {
                char type = (char) data[at];
                int length = int32(data, at + 1);
                if (data.length - at < 1 + length) {
                    break;
                }
                int body = at + 5;
                switch (type) {
                    case 'Q' -> count(cstring(data, body));
                    case 'P' -> {
                        String name = cstring(data, body);
                        statements.put(name, cstring(data, body + utf8Length(name) + 1));
                    }
                    case 'B' -> {
                        String portal = cstring(data, body);
                        portals.put(portal, statements.get(cstring(data, body + utf8Length(portal) + 1)));
                    }
                    case 'E' -> count(portals.get(cstring(data, body)));
                    default -> {
                    }
                }
                at += 1 + length;
            }
            return at;
        }
    }

    private final class MariaDbParser extends Parser {
        @Override
        int consume(byte[] data) {
            int at = 0;
            while (data.length - at >= 4) {
                int length = (data[at] & 0xff) | (data[at + 1] & 0xff) << 8 | (data[at + 2] & 0xff) << 16;
                if (data.length - at < 4 + length) {
                    break;
                }
                int sequence = data[at + 3] & 0xff;
                // A command starts a new exchange (sequence 0): COM_QUERY 0x03, COM_STMT_PREPARE 0x16.
                if (sequence == 0 && length > 0 && (data[at + 4] == 0x03 || data[at + 4] == 0x16)) {
                    count(new String(data, at + 5, length - 1, StandardCharsets.UTF_8));
                }
                at += 4 + length;
            }
            return at;
        }
    }

    private static int int32(byte[] data, int at) {
        return (data[at] & 0xff) << 24 | (data[at + 1] & 0xff) << 16 | (data[at + 2] & 0xff) << 8 | (data[at + 3] & 0xff);
    }

    private static String cstring(byte[] data, int at) {
        int end = at;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        return new String(data, at, end - at, StandardCharsets.UTF_8);
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Breaks every connection through the proxy, as a source that went away would. */
    public void dropConnections() {
        List<Socket> open = List.copyOf(sockets);
        sockets.removeAll(open);
        for (int i = 0; i < open.size(); i += 2) {
            // Client and upstream sockets are added in pairs; a pump closes both when either side ends.
            if (!open.get(i).isClosed()) {
                killed.incrementAndGet();
            }
        }
        for (Socket socket : open) {
            closeQuietly(socket);
        }
    }

    /** Cuts the way to the database: from now on connections are closed as soon as accepted, open ones are broken. */
    public void cut() {
        cut = true;
        dropConnections();
    }

    /** Lets connections through again after {@link #cut()}. */
    public void restore() {
        cut = false;
    }

    /** Connections closed on accept while the proxy was cut. */
    public long refusedConnections() {
        return refused.get();
    }

    /** Open connections broken by {@link #dropConnections()} or {@link #cut()}. */
    public long killedConnections() {
        return killed.get();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        dropConnections();
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
