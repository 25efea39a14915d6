package io.pointsplatform.kit;

/** The shape of ids that cross service boundaries, checked at every edge the same way. */
public final class Identifiers {

    /** Member, order, reward, hold ids: letters, digits and "._:-", 1 to 64 characters. */
    public static final String ID_PATTERN = "[A-Za-z0-9._:-]{1,64}";

    private Identifiers() {
    }
}
