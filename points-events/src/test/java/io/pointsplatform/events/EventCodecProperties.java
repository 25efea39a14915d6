package io.pointsplatform.events;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class EventCodecProperties {

    private final EventCodec codec = new EventCodec();

    @Provide
    Arbitrary<CloudEvent> events() {
        return Samples.anyEvent();
    }

    @Property(tries = 500)
    void writeThenReadGivesTheSameEvent(@ForAll("events") CloudEvent event) {
        assertThat(codec.read(codec.write(event))).isEqualTo(event);
        assertThat(codec.read(codec.writeBytes(event))).isEqualTo(event);
    }

    @Property(tries = 500)
    void schemasAcceptWhatTheCodecWrites(@ForAll("events") CloudEvent event) throws Exception {
        assertThat(Schemas.problems(Schemas.JSON.readTree(codec.write(event)))).as(codec.write(event)).isEmpty();
    }
}
