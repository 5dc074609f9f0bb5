package dev.idem;

import java.util.List;

/**
 * What {@link Operations#addLinks} did: which targets it linked now and which were linked already
 * (by an earlier call or a concurrent one). Together they hold each requested target once.
 *
 * @param added the targets this call linked
 * @param existing the targets that were linked already
 */
public record Linked(List<Object> added, List<Object> existing) {

    public Linked {
        added = List.copyOf(added);
        existing = List.copyOf(existing);
    }

    /** True when this call added at least one link. */
    public boolean anyAdded() {
        return !added.isEmpty();
    }
}
