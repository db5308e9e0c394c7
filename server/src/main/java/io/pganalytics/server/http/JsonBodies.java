package io.pganalytics.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.common.api.ErrorDetail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * Reads request bodies as JSON with a hard size limit and strict mapping, and writes responses. A body that is
 * too large, not JSON, of the wrong shape or with unknown fields gets a 4xx envelope that names the field.
 */
public final class JsonBodies {
    private final ObjectMapper mapper;
    private final long maxBodyBytes;

    public JsonBodies(ObjectMapper mapper, long maxBodyBytes) {
        this.mapper = mapper;
        this.maxBodyBytes = maxBodyBytes;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public <T> T read(ServerRequest request, Class<T> type) {
        requireJson(request);
        byte[] body = readBounded(request, maxBodyBytes);
        if (body.length == 0) {
            throw ApiException.malformed("the request body is empty: expected a JSON object");
        }
        return parse(body, type);
    }

    /** Reads the raw body, refusing more than {@code limit} bytes, before anything is parsed. */
    public static byte[] readBounded(ServerRequest request, long limit) {
        long declared = request.headers().contentLength().orElse(-1L);
        if (declared > limit) {
            throw ApiException.tooLarge("the request body has " + declared + " bytes; the limit is " + limit);
        }
        if (!request.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = request.content().inputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (bytes.length > limit) {
                throw ApiException.tooLarge("the request body is larger than the limit of " + limit + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("reading the request body", e);
        }
    }

    /**
     * Maps the body to {@code type}. Errors name the field (or the line and column) in our own words: the parser's
     * messages quote its internals (Java types, source excerpts, token codes) and are never shown to the client.
     */
    public <T> T parse(byte[] body, Class<T> type) {
        try {
            T value = mapper.readValue(body, type);
            if (value == null) {
                throw ApiException.malformed("the body is JSON null: expected a JSON object");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw new ApiException(io.pganalytics.common.api.ErrorType.MALFORMED_REQUEST,
                    "unknown field '" + path(e) + "'",
                    List.of(new ErrorDetail(path(e), "unknown field; known fields: " + e.getKnownPropertyIds())), null);
        } catch (ValueInstantiationException e) {
            // Our records' constructors refuse bad values with IllegalArgumentException and a message of ours; anything
            // else thrown there is not meant for the client.
            String problem = e.getCause() instanceof IllegalArgumentException ours && ours.getMessage() != null
                    ? ours.getMessage() : "is not a valid value";
            throw invalidField(path(e), problem);
        } catch (InvalidFormatException e) {
            throw invalidField(path(e), "has the wrong type or format: expected " + simpleName(e.getTargetType()));
        } catch (MismatchedInputException e) {
            String field = path(e);
            String problem = field.isEmpty()
                    ? "expected a JSON " + simpleName(e.getTargetType())
                    : "expected " + simpleName(e.getTargetType());
            throw new ApiException(io.pganalytics.common.api.ErrorType.MALFORMED_REQUEST,
                    (field.isEmpty() ? "the body" : "field '" + field + "'") + " has the wrong type: " + problem,
                    List.of(new ErrorDetail(field, problem)), null);
        } catch (StreamConstraintsException e) {
            throw ApiException.tooLarge("the JSON document exceeds a size or nesting limit" + at(e));
        } catch (JsonMappingException e) {
            String field = path(e);
            String problem = e.getCause() instanceof InputCoercionException ? "is a number out of range" : "is not a valid value" + at(e);
            throw field.isEmpty() ? ApiException.malformed("the body " + problem) : invalidField(field, problem);
        } catch (JsonProcessingException e) {
            throw ApiException.malformed("the body is not valid JSON" + at(e) + ": " + syntaxProblem(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ApiException invalidField(String field, String problem) {
        return new ApiException(io.pganalytics.common.api.ErrorType.MALFORMED_REQUEST,
                (field.isEmpty() ? "the body " : "field '" + field + "' ") + problem,
                List.of(new ErrorDetail(field, problem)), null);
    }

    private static String at(JsonProcessingException e) {
        var location = e.getLocation();
        return location == null || location.getLineNr() < 1
                ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    /** What is wrong, in a few words of ours. */
    private static String syntaxProblem(JsonProcessingException e) {
        if (e instanceof JsonEOFException) {
            return "it ends before the document is complete";
        }
        if (e instanceof InputCoercionException) {
            return "a number is out of range";
        }
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (original.startsWith("Duplicate field")) {
            return "a field appears twice";
        }
        if (original.contains("Invalid UTF-8") || original.contains("Invalid UTF-16")) {
            return "it is not UTF-8 text";
        }
        if (original.contains("escape")) {
            return "a string holds an invalid escape sequence";
        }
        if (original.contains("control character") || original.contains("CTRL-CHAR")) {
            return "a string holds an unescaped control character";
        }
        return "unexpected text";
    }

    public void send(ServerResponse response, Status status, Object body) {
        byte[] bytes;
        try {
            bytes = mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + body.getClass().getSimpleName(), e);
        }
        response.status(status);
        response.header(HeaderValues.CONTENT_TYPE_JSON);
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.send(bytes);
    }

    public void ok(ServerResponse response, Object body) {
        send(response, Status.OK_200, body);
    }

    public void created(ServerResponse response, Object body) {
        send(response, Status.CREATED_201, body);
    }

    private static void requireJson(ServerRequest request) {
        request.headers().contentType().ifPresent(type -> {
            String subtype = type.mediaType().subtype().toLowerCase(Locale.ROOT);
            if (!"json".equals(subtype) && !subtype.endsWith("+json")) {
                throw new ApiException(io.pganalytics.common.api.ErrorType.UNSUPPORTED_MEDIA_TYPE,
                        "the body must be application/json, not " + type.mediaType().text());
            }
        });
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String simpleName(Class<?> type) {
        if (type == null) {
            return "value";
        }
        if (type == java.time.Instant.class || type == java.time.OffsetDateTime.class) {
            return "a date-time such as 2026-01-31T12:00:00Z";
        }
        if (type == java.util.UUID.class) {
            return "a UUID";
        }
        if (type.isRecord()) {
            return "object";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT);
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "array";
        }
        if (type == String.class) {
            return "string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "boolean";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "number";
        }
        return "a value of another type";
    }
}
