package io.pointsplatform.replay;

import java.io.IOException;
import java.io.OutputStream;

/** A file output: lines gathered in a buffer, written out as it fills and at the end of each batch. */
abstract class FileSink implements Sink {

    private static final int FLUSH_BYTES = 1 << 20;

    private final OutputStream out;
    protected final Bytes buffer = new Bytes(FLUSH_BYTES + (64 << 10));

    FileSink(OutputStream out) {
        this.out = out;
    }

    @Override
    public final void write(Batch batch) throws IOException {
        for (ReplayEvent event : batch.events) {
            line(event);
            if (buffer.size() >= FLUSH_BYTES) {
                buffer.writeTo(out);
                buffer.clear();
            }
        }
        flush();
    }

    /** Appends one event's line, its line end included, to the buffer. */
    abstract void line(ReplayEvent event);

    private void flush() throws IOException {
        buffer.writeTo(out);
        buffer.clear();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        flush();
        out.close();
    }
}
