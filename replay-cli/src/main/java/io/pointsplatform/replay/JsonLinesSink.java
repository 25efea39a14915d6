package io.pointsplatform.replay;

import java.io.OutputStream;

/**
 * JSON Lines: each event's CloudEvent as it was written to the log, one per line (a line end inside
 * a pretty-printed document becomes a space, which JSON reads the same).
 */
final class JsonLinesSink extends FileSink {

    JsonLinesSink(OutputStream out) {
        super(out);
    }

    @Override
    public boolean writesColumns() {
        return false;
    }

    @Override
    void line(ReplayEvent event) {
        byte[] value = event.value();
        int start = buffer.size();
        buffer.put(value, 0, value.length);
        for (int i = 0; i < value.length; i++) {
            if (value[i] == '\n' || value[i] == '\r') {
                // Rare: written again without the line ends (outside strings only: JSON escapes them inside).
                buffer.truncate(start);
                for (byte b : value) {
                    buffer.put(b == '\n' || b == '\r' ? (byte) ' ' : b);
                }
                break;
            }
        }
        buffer.put((byte) '\n');
    }
}
