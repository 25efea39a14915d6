package io.pointsplatform.replay;

import java.io.OutputStream;

/**
 * CSV (RFC 4180, UTF-8, a header line): the columns of {@code analytics.events}, in its order, the
 * data as its JSON text. Empty fields are nulls.
 */
final class CsvSink extends FileSink {

    static final String HEADER = "event_id,topic,kafka_partition,kafka_offset,type,occurred_at,day,member_id,tier,"
            + "points,outstanding_delta,lot_id,hold_id,order_id,reward_id,redemption_id,data";

    CsvSink(OutputStream out) {
        super(out);
        buffer.ascii(HEADER).put((byte) '\n');
    }

    @Override
    void line(ReplayEvent event) {
        EventColumns c = event.columns();
        buffer.csv(event.id()).put((byte) ',');
        buffer.csv(event.topic()).put((byte) ',');
        buffer.number(event.partition()).put((byte) ',');
        buffer.number(event.offset()).put((byte) ',');
        buffer.csv(event.type()).put((byte) ',');
        buffer.ascii(event.time().toString()).put((byte) ',');
        buffer.ascii(event.day().toString()).put((byte) ',');
        buffer.csv(c.memberId()).put((byte) ',');
        buffer.csv(event.tier()).put((byte) ',');
        if (c.points() != null) {
            buffer.number(c.points());
        }
        buffer.put((byte) ',');
        buffer.number(c.outstandingDelta()).put((byte) ',');
        buffer.csv(c.lotId()).put((byte) ',');
        buffer.csv(c.holdId()).put((byte) ',');
        buffer.csv(c.orderId()).put((byte) ',');
        buffer.csv(c.rewardId()).put((byte) ',');
        buffer.csv(c.redemptionId()).put((byte) ',');
        int[] data = DataSlice.of(event.value());
        buffer.csv(event.value(), data[0], data[1] - data[0]).put((byte) '\n');
    }
}
