package io.connectdelta.sink.e2e;

import io.connectdelta.testing.TestDatabase;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A concurrent reader of a target: checks the ledger again and again, each time in one REPEATABLE READ snapshot,
 * while the sink applies transfers. Counts checks and violations, and remembers the transfer counts it saw (to
 * show that it checked while transfers were arriving). With {@code watchVersions} (accounts with
 * {@link Bank#addHistoryColumns}) it also reads the accounts' versions each time and counts every one lower than
 * the account showed before: a row gone back in time.
 */
final class LedgerReader implements AutoCloseable {
    private final TestDatabase target;
    private final boolean watchVersions;
    private final Thread thread;
    private volatile boolean running = true;
    private final AtomicInteger checks = new AtomicInteger();
    private final AtomicInteger violations = new AtomicInteger();
    private final Set<Integer> transferCountsSeen = new ConcurrentSkipListSet<>();
    private final List<String> firstViolations = new ArrayList<>();
    private final Map<Integer, Long> highestVersions = new HashMap<>();
    private final AtomicInteger versionsGoneBack = new AtomicInteger();
    private final List<String> firstVersionsGoneBack = new ArrayList<>();
    private volatile Throwable failure;
    private final CompletableFuture<Long> sessionId = new CompletableFuture<>();

    LedgerReader(TestDatabase target) {
        this(target, false);
    }

    LedgerReader(TestDatabase target, boolean watchVersions) {
        this.target = target;
        this.watchVersions = watchVersions;
        this.thread = new Thread(this::run, "ledger-reader-" + target.database());
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try (Connection c = target.connect()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            sessionId.complete(Bank.sessionId(c, target.isPostgres()));
            c.commit();
            while (running) {
                Bank.LedgerCheck check = Bank.checkLedger(c);
                if (check.complete()) {
                    checks.incrementAndGet();
                    transferCountsSeen.add(check.transfers());
                    if (!check.consistent()) {
                        violations.incrementAndGet();
                        synchronized (firstViolations) {
                            if (firstViolations.size() < 3) {
                                firstViolations.add(check.problem());
                            }
                        }
                    }
                }
                if (watchVersions) {
                    checkVersions(Bank.versions(c));
                }
                Thread.sleep(2);
            }
        } catch (SQLException | RuntimeException e) {
            failure = e;
            sessionId.completeExceptionally(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void checkVersions(Map<Integer, Long> versions) {
        versions.forEach((account, version) -> {
            Long highest = highestVersions.merge(account, version, Math::max);
            if (version < highest) {
                versionsGoneBack.incrementAndGet();
                synchronized (firstVersionsGoneBack) {
                    if (firstVersionsGoneBack.size() < 3) {
                        firstVersionsGoneBack.add("account " + account + " went back from version " + highest
                                + " to " + version);
                    }
                }
            }
        });
    }

    /** The reader's session on the target (to spare it when the sink's sessions are killed). */
    long sessionId() {
        return sessionId.join();
    }

    int checks() {
        return checks.get();
    }

    int violations() {
        return violations.get();
    }

    /** How many different transfer counts strictly between {@code low} and {@code high} the checks saw. */
    long countsSeenBetween(int low, int high) {
        return transferCountsSeen.stream().filter(n -> n > low && n < high).count();
    }

    /** How often a read showed an account at a lower version than an earlier read. */
    int versionsGoneBack() {
        return versionsGoneBack.get();
    }

    /** The first few reads that showed an account gone back, as "account 3 went back from version 17 to 9". */
    List<String> versionsGoneBackExamples() {
        synchronized (firstVersionsGoneBack) {
            return List.copyOf(firstVersionsGoneBack);
        }
    }

    List<String> firstViolations() {
        synchronized (firstViolations) {
            return List.copyOf(firstViolations);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
        if (failure != null) {
            throw new IllegalStateException("The ledger reader of " + target + " failed", failure);
        }
    }

    @Override
    public String toString() {
        return target.kind() + " reader: " + checks() + " checks, " + violations() + " violations, "
                + transferCountsSeen.size() + " transfer counts seen" + (firstViolations().isEmpty() ? ""
                : ", first violations " + firstViolations()) + (watchVersions ? ", " + versionsGoneBack()
                + " account versions gone back " + versionsGoneBackExamples() : "");
    }
}
