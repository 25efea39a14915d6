package io.pointsplatform.kit.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The keys (topic and message key) and the topics whose rows the relay leaves out of its rounds for
 * a while after a send of theirs failed. A row that cannot be sent (a topic the service may not
 * write, an event larger than the topic admits) stays in the outbox with the later rows of its key;
 * without this they stayed at the outbox's head, and once a batch's worth of them had gathered,
 * every round read only them and no other event left (until 2026-12-08). A key is tried again after
 * a backoff ({@link #FIRST} doubling to {@link #MAX}) and forgotten once one of its rows is sent. A
 * topic with more than {@link #MAX_KEYS_A_TOPIC} keys paused at once is paused whole too (a topic
 * the service may not write fails for every member), so that it adds no more keys a round for a
 * while: the lists the query binds stay a few rounds' worth at most.
 * Synchronized: a round's steps run on the relay's thread, the event loop and the producer's.
 */
final class Pauses {

    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofMinutes(1);
    static final int MAX_KEYS_A_TOPIC = 100;

    private record Pause(long until, long backoff) {
    }

    private final Map<String, Pause> keys = new HashMap<>();
    private final Map<String, Pause> topics = new HashMap<>();

    /** How the relay names a row's key: its topic and message key together. */
    static String key(String topic, String messageKey) {
        return topic + "\n" + (messageKey == null ? "" : messageKey);
    }

    /** The topics paused at {@code now} (nanoTime), for the query. */
    synchronized String[] topics(long now) {
        return active(topics, now);
    }

    /** The keys paused at {@code now} (nanoTime), for the query. */
    synchronized String[] keys(long now) {
        return active(keys, now);
    }

    /** A send of a row of {@code key} failed at {@code now}: it (or its topic) waits, longer each time. */
    synchronized void failed(String topic, String key, long now) {
        Pause wholeTopic = topics.get(topic);
        if (wholeTopic != null) {
            if (wholeTopic.until() <= now) {
                topics.put(topic, next(wholeTopic, now));
            }
            return;
        }
        Pause pause = keys.get(key);
        if (pause == null) {
            keys.put(key, new Pause(now + FIRST.toNanos(), FIRST.toNanos()));
        } else if (pause.until() <= now) {
            keys.put(key, next(pause, now));
        }
        String prefix = topic + "\n";
        int ofTopic = 0;
        for (Map.Entry<String, Pause> entry : keys.entrySet()) {
            if (entry.getKey().startsWith(prefix) && entry.getValue().until() > now) {
                ofTopic++;
            }
        }
        if (ofTopic > MAX_KEYS_A_TOPIC) {
            // The keys' own pauses stay: when the topic's ends, its rows that can be sent are read
            // past them (dropping them read the same failing rows again, round after round).
            topics.put(topic, new Pause(now + FIRST.toNanos(), FIRST.toNanos()));
        }
    }

    /** A row of {@code key} was sent: the key, and its topic, are free again. */
    synchronized void sent(String topic, String key) {
        if (!keys.isEmpty()) {
            keys.remove(key);
        }
        if (!topics.isEmpty()) {
            topics.remove(topic);
        }
    }

    private static Pause next(Pause last, long now) {
        long backoff = Math.min(MAX.toNanos(), last.backoff() * 2);
        return new Pause(now + backoff, backoff);
    }

    /** The names paused at {@code now}; those whose pause ended long ago are forgotten (their backoff starts again). */
    private static String[] active(Map<String, Pause> paused, long now) {
        if (paused.isEmpty()) {
            return new String[0];
        }
        List<String> active = new ArrayList<>();
        for (Iterator<Map.Entry<String, Pause>> it = paused.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Pause> entry = it.next();
            if (entry.getValue().until() > now) {
                active.add(entry.getKey());
            } else if (now - entry.getValue().until() > MAX.toNanos()) {
                it.remove();
            }
        }
        return active.toArray(String[]::new);
    }
}
