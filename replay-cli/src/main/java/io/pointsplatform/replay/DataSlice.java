package io.pointsplatform.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Where a CloudEvent's {@code data} object lies in the record's bytes, so that it is stored as
 * written (one pass of a streaming parser over a document already read and checked by the codec;
 * no tree, nothing written again).
 */
final class DataSlice {

    private static final JsonFactory JSON = new JsonFactory();

    private DataSlice() {
    }

    /** {start, end} of the top-level {@code data} object's bytes in {@code document}. */
    static int[] of(byte[] document) {
        try (JsonParser parser = JSON.createParser(document)) {
            parser.nextToken();
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                JsonToken token = parser.nextToken();
                if ("data".equals(name) && token == JsonToken.START_OBJECT) {
                    int start = (int) parser.currentTokenLocation().getByteOffset();
                    parser.skipChildren();
                    return new int[] {start, (int) parser.currentLocation().getByteOffset()};
                }
                parser.skipChildren();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a document the codec read could not be read again", e);
        }
        throw new IllegalStateException("a document the codec read has no data object");
    }
}
