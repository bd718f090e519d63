package io.connectdelta.transforms.state;

/**
 * What a state store has seen of one topic partition: every offset from {@code since} to {@code last} (the offset
 * of the latest record), with no gap wider than the tolerated one. Rows stored from an offset before
 * {@code since} may have missed changes made in the gap; {@link #SINCE_UNTRACKED} means the store saw no gap since it
 * first met the partition, so all its rows of the partition hold.
 */
public record SeenOffsets(long since, long last) {
    /** Since the store first met the partition: rows it holds from before (written untracked) are trusted. */
    public static final long SINCE_UNTRACKED = Long.MIN_VALUE;

    /** The first record the store sees of a partition. */
    public static SeenOffsets first(long offset) {
        return new SeenOffsets(SINCE_UNTRACKED, offset);
    }

    /**
     * After the record at {@code offset}. A jump forward by more than {@code maxGap} skipped offsets means the
     * records in between were processed elsewhere (another task owned the partition): a new run starts there.
     * A jump back is the partition read again (a restart or a rebalance before its offsets were committed): the
     * run goes on when it started at or before that offset, else a new run starts there, since the store did not
     * see what lay between.
     */
    public SeenOffsets next(long offset, long maxGap) {
        if (offset - last - 1 > maxGap || offset < since) {
            return new SeenOffsets(offset, offset);
        }
        return new SeenOffsets(since, offset);
    }

    /** True when a row stored from {@code offset} of this partition saw every change since (no gap after it). */
    public boolean covers(long offset) {
        return offset >= since;
    }

    /** True when {@code next} started a new run: rows stored before it are no longer trusted. */
    public boolean startedAfter(SeenOffsets previous) {
        return since != previous.since;
    }
}
