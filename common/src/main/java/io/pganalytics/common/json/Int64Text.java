package io.pganalytics.common.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import java.io.IOException;

/**
 * A 64-bit identifier (pg_stat_statements' queryid) as a JSON string: JavaScript, jq and every reader that holds
 * numbers as doubles round integers beyond 2^53, and a rounded id names another statement. Written as a string
 * ({@code "-4857493993821374312"}); read from a string or, for older writers, from an integer.
 * <p>
 * Use on a record component: {@code @JsonSerialize(using = Int64Text.Writer.class) @JsonDeserialize(using =
 * Int64Text.Reader.class) long queryid}.
 */
public final class Int64Text {
    private Int64Text() {
    }

    /** Writes the value as a decimal string. */
    public static final class Writer extends StdSerializer<Long> {
        public Writer() {
            super(Long.class);
        }

        @Override
        public void serialize(Long value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeString(Long.toString(value));
        }
    }

    /** Reads a signed 64-bit decimal string, or an integer. */
    public static final class Reader extends StdDeserializer<Long> {
        public Reader() {
            super(Long.class);
        }

        @Override
        public Long deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            JsonToken token = parser.currentToken();
            if (token == JsonToken.VALUE_NUMBER_INT) {
                return parser.getLongValue();
            }
            if (token == JsonToken.VALUE_STRING) {
                String text = parser.getText().trim();
                try {
                    return Long.parseLong(text);
                } catch (NumberFormatException e) {
                    return (Long) context.handleWeirdStringValue(Long.class, text, "not a signed 64-bit whole number");
                }
            }
            return (Long) context.handleUnexpectedToken(Long.class, parser);
        }
    }
}
