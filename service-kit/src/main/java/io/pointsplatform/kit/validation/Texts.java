package io.pointsplatform.kit.validation;

/** Free text in requests (names, reasons, references), checked at every edge the same way. */
public final class Texts {

    /**
     * For {@code @Pattern} on optional text: absent, or with something besides white space in it.
     * Events refuse blank text (a reference of "" says nothing), so the edge refuses it first.
     */
    public static final String NOT_BLANK = "(?s).*\\S.*";
    public static final String NOT_BLANK_MESSAGE = "must not be blank";

    private Texts() {
    }
}
