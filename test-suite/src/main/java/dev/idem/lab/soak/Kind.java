package dev.idem.lab.soak;

import java.util.SplittableRandom;

/** The operations of the soak's mix, with their share of the calls. The ids are part of the JSON document. */
public enum Kind {
    GET_OR_CREATE("get-or-create", 18),
    GET_OR_CREATE_ALL("get-or-create-all", 7),
    UPDATE_OR_CREATE("update-or-create", 6),
    ADD_LINK("add-link", 12),
    ADD_LINKS("add-links", 6),
    REMOVE_LINK("remove-link", 7),
    CLAIM_FINISH("claim-finish", 12),
    TRANSFER("transfer", 12),
    INCREMENT("increment", 20);

    private static final int TOTAL;

    static {
        int total = 0;
        for (Kind kind : values()) {
            total += kind.weight;
        }
        TOTAL = total;
    }

    private final String id;
    private final int weight;

    Kind(String id, int weight) {
        this.id = id;
        this.weight = weight;
    }

    /** The name in the documents, e.g. {@code get-or-create}. */
    public String id() {
        return id;
    }

    /** One kind, each with its share of the mix. */
    static Kind pick(SplittableRandom random) {
        int n = random.nextInt(TOTAL);
        for (Kind kind : values()) {
            n -= kind.weight;
            if (n < 0) {
                return kind;
            }
        }
        throw new AssertionError();
    }
}
