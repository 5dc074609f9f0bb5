package dev.idem.lab.soak;

/** Runs the calls of the mix: through Idem, or as the naive code of the users' threads. */
interface Workload {

    /** What a call answered, written into the history only once the call has returned (its transaction committed). */
    @FunctionalInterface
    interface Answer {
        void record(History history);
    }

    /** Thrown by a transfer's change when the account cannot cover it: nothing is written. */
    final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused() {
            super("the account cannot cover the transfer", null, false, false);
        }
    }

    /**
     * Thrown when the caller's own transaction, around Idem's call, failed at its BEGIN or COMMIT in a way that
     * leaves the caller not knowing whether it committed: the call's outcome is unknown, as after Idem's
     * {@code OutcomeUnknownException}.
     */
    final class CallersOutcomeUnknown extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CallersOutcomeUnknown(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Runs {@code call} as its mode says, for the worker named {@code worker}. */
    Answer run(Call call, String worker) throws Exception;

    /** Claims and finishes every row still waiting, recording each finish, until none is left or {@code deadlineNanos}. */
    void drain(History history, long deadlineNanos) throws Exception;

    /** {@code idem} or {@code naive}, as the documents name it. */
    String id();
}
