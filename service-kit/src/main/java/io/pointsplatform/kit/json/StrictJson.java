package io.pointsplatform.kit.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;

/**
 * Every service reads JSON strictly: a value of the wrong JSON type is refused, never converted.
 * Jackson's defaults would hold {@code 1} point for {@code "points": 1.5}, count a line of
 * {@code "quantity": 1.7} once, read {@code "2"} as a number, {@code true} as the text "true", an
 * enum's position as the enum, drop a misspelt property ({@code "ttlSecond"}) without a word, and
 * take the last of two values given for one property.
 * Each of those is now a 400 that names the field (see {@code ProblemMappers}).
 *
 * <p>Dates and times must lie within the years 0001 to 9999 ({@link BoundedTime}). Text must be
 * storable: PostgreSQL's {@code text} cannot hold U+0000, and a lone surrogate is not Unicode (the
 * driver would write "?" in its place). Such a string is refused at the edge instead of failing, or
 * changing, in the database.
 *
 * <p>Applied after Quarkus's own customizer (which sets {@code quarkus.jackson.*}), to the one
 * mapper that reads request bodies, REST client answers and documents a service stored itself. A
 * REST client's answer types are read from another service, which may add properties: they say
 * {@code @JsonIgnoreProperties(ignoreUnknown = true)} (earning's {@code LedgerClient}).
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        configure(mapper);
    }

    /** Makes {@code mapper} strict, as {@link #customize} does; returns it. */
    public static ObjectMapper configure(ObjectMapper mapper) {
        // Two values for one key: parsers disagree on which counts (Jackson takes the last, others the
        // first), so a body could mean one thing here and another to whatever reads it next.
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        // An absent or null primitive (an optional "promotional": false) keeps its default, as before;
        // but "" is not an absent number, date or enum.
        mapper.coercionConfigDefaults().setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        refuse(mapper, LogicalType.Integer, CoercionInputShape.String, CoercionInputShape.Float, CoercionInputShape.Boolean);
        // Amounts of money stay readable as strings ("150.00") as well as numbers.
        refuse(mapper, LogicalType.Float, CoercionInputShape.Boolean);
        refuse(mapper, LogicalType.Boolean, CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.String);
        refuse(mapper, LogicalType.Enum, CoercionInputShape.Integer);
        SimpleModule strict = new SimpleModule("strict");
        strict.addDeserializer(String.class, new TextDeserializer());
        strict.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription description,
                                                          JsonDeserializer<?> deserializer) {
                Class<?> type = description.getBeanClass();
                return type == Instant.class || type == OffsetDateTime.class || type == LocalDate.class
                        ? new BoundedTime(deserializer, type) : deserializer;
            }
        });
        mapper.registerModule(strict);
        return mapper;
    }

    /** Values of {@code type} are not read from JSON of these {@code shapes}. */
    private static void refuse(ObjectMapper mapper, LogicalType type, CoercionInputShape... shapes) {
        for (CoercionInputShape shape : shapes) {
            mapper.coercionConfigFor(type).setCoercion(shape, CoercionAction.Fail);
        }
    }

    /**
     * Whether PostgreSQL can store {@code text} as it is: no U+0000, and every surrogate in a pair.
     */
    public static boolean storable(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return false;
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return false;
                }
            }
        }
        return true;
    }

    /** A value refused here (text that cannot be stored, a time out of range): its message is the reason, for the client. */
    public static final class Refused extends MismatchedInputException {

        Refused(JsonParser parser, String message, Class<?> type) {
            super(parser, message, type);
        }
    }

    /** The earliest and latest instants a request may name: four-digit years, as ISO-8601 writes them. */
    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    /** Whether a time read from a request lies within {@link #EARLIEST}..{@link #LATEST}. */
    static boolean inRange(Object time) {
        return switch (time) {
            case Instant instant -> !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
            case OffsetDateTime dateTime -> inRange(dateTime.toInstant());
            case LocalDate date -> date.getYear() >= 1 && date.getYear() <= 9999;
            case null, default -> true;
        };
    }

    /**
     * Dates and times within the years 0001 to 9999. Java reads years up to ±999 999 999, which
     * PostgreSQL cannot store and arithmetic on them (a returns window added) overflows.
     */
    static final class BoundedTime extends DelegatingDeserializer {

        private final Class<?> type;

        BoundedTime(JsonDeserializer<?> delegate, Class<?> type) {
            super(delegate);
            this.type = type;
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
            return new BoundedTime(delegate, type);
        }

        @Override
        public Object deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            Object time = super.deserialize(parser, context);
            if (!inRange(time)) {
                throw new Refused(parser, "must be within the years 0001 to 9999", type);
            }
            return time;
        }
    }

    /** Strings from JSON strings only, and only storable ones. */
    static final class TextDeserializer extends StdScalarDeserializer<String> {

        TextDeserializer() {
            super(String.class);
        }

        @Override
        public LogicalType logicalType() {
            return LogicalType.Textual;
        }

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (!parser.hasToken(JsonToken.VALUE_STRING)) {
                return (String) context.handleUnexpectedToken(String.class, parser);
            }
            String text = parser.getText();
            if (!storable(text)) {
                throw new Refused(parser, "must not contain U+0000 or a lone surrogate", String.class);
            }
            return text;
        }
    }
}
