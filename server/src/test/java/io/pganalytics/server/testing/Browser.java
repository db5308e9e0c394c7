package io.pganalytics.server.testing;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The browser side of a single sign-on flow, driven by hand: redirects are followed one at a time (so a test can stop
 * at the console's loopback redirect and inspect it), cookies are kept per host in a jar of its own (Keycloak marks its
 * cookies {@code Secure} even on plain http, which {@link java.net.CookieManager} would drop), and HTML forms (Keycloak's
 * login form, a SAML HTTP-POST auto-submit form) are parsed and posted.
 */
public final class Browser {
    private static final Pattern FORM = Pattern.compile("<form\\b([^>]*)>(.*?)</form>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
    private static final Pattern INPUT = Pattern.compile("<input\\b([^>]*)>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ATTRIBUTE = Pattern.compile("([a-zA-Z_:-]+)\\s*=\\s*(\"([^\"]*)\"|'([^']*)')");

    private final HttpClient http;
    /** host -> cookie name -> value */
    private final Map<String, Map<String, String>> cookies = new ConcurrentHashMap<>();

    /** A browser that trusts the default trust store (plain http Keycloak, servers without TLS). */
    public Browser() {
        this(null);
    }

    /** A browser that trusts {@code ssl}'s trust material (a test server's certificate, see ApiClient#trusting). */
    public Browser(SSLContext ssl) {
        HttpClient.Builder builder = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5));
        if (ssl != null) {
            builder.sslContext(ssl);
        }
        this.http = builder.build();
    }

    /** One answer: status, body, and the resolved {@code Location} of a redirect. */
    public record Page(URI uri, int status, String body, HttpResponse<String> raw) {
        public Optional<URI> location() {
            return raw.headers().firstValue("Location").map(uri::resolve);
        }

        public boolean isRedirect() {
            return status >= 300 && status < 400 && location().isPresent();
        }

        /** The first form of the page (or the one whose id is {@code id} when not null). */
        public Form form(String id) {
            return Form.parse(uri, body, id);
        }
    }

    /** A parsed HTML form: where it posts and its fields (hidden inputs and defaults). */
    public record Form(URI action, String method, Map<String, String> fields) {
        static Form parse(URI page, String html, String id) {
            Matcher forms = FORM.matcher(html);
            while (forms.find()) {
                Map<String, String> attributes = attributes(forms.group(1));
                if (id != null && !id.equals(attributes.get("id"))) {
                    continue;
                }
                Map<String, String> fields = new LinkedHashMap<>();
                Matcher inputs = INPUT.matcher(forms.group(2));
                while (inputs.find()) {
                    Map<String, String> input = attributes(inputs.group(1));
                    if (input.containsKey("name")) {
                        fields.put(input.get("name"), input.getOrDefault("value", ""));
                    }
                }
                String action = attributes.getOrDefault("action", page.toString());
                return new Form(page.resolve(action), attributes.getOrDefault("method", "get").toLowerCase(Locale.ROOT), fields);
            }
            throw new AssertionError("no form" + (id == null ? "" : " with id " + id) + " on " + page + ":\n" + html);
        }

        public Form with(String name, String value) {
            Map<String, String> changed = new LinkedHashMap<>(fields);
            changed.put(name, value);
            return new Form(action, method, changed);
        }
    }

    public Page get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    public Page post(URI uri, Map<String, String> form) {
        return send(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form))));
    }

    /** Submits a form as the browser would (GET with a query, or POST). */
    public Page submit(Form form) {
        if (form.method().equals("post")) {
            return post(form.action(), form.fields());
        }
        return get(URI.create(form.action() + (form.action().getRawQuery() == null ? "?" : "&") + encode(form.fields())));
    }

    /**
     * Follows redirects from {@code page} until one would lead to a URI that {@code stop} accepts (that redirect is
     * returned, not followed) or a page that is not a redirect arrives (returned). At most 20 hops.
     */
    public Page follow(Page page, Predicate<URI> stop) {
        Page current = page;
        for (int hop = 0; hop < 20; hop++) {
            if (!current.isRedirect() || stop.test(current.location().orElseThrow())) {
                return current;
            }
            current = get(current.location().orElseThrow());
        }
        throw new AssertionError("more than 20 redirects from " + page.uri());
    }

    /** Fills Keycloak's login form on {@code loginPage} and submits it. */
    public Page keycloakLogin(Page loginPage, String username, String password) {
        Form form = loginPage.form("kc-form-login").with("username", username).with("password", password);
        return submit(form);
    }

    /** Forgets every cookie: a second, different browser for the same flow. */
    public void clearCookies() {
        cookies.clear();
    }

    private Page send(HttpRequest.Builder builder) {
        HttpRequest request = builder.timeout(Duration.ofSeconds(30)).build();
        Map<String, String> jar = cookies.getOrDefault(request.uri().getHost(), Map.of());
        if (!jar.isEmpty()) {
            request = HttpRequest.newBuilder(request, (name, value) -> true)
                    .header("Cookie", jar.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining("; ")))
                    .build();
        }
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            keep(request.uri(), response.headers().allValues("Set-Cookie"));
            return new Page(request.uri(), response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(request.uri().toString(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void keep(URI uri, List<String> setCookies) {
        for (String header : setCookies) {
            String[] parts = header.split(";");
            int equals = parts[0].indexOf('=');
            if (equals <= 0) {
                continue;
            }
            String name = parts[0].substring(0, equals).strip();
            String value = parts[0].substring(equals + 1).strip();
            boolean expired = value.isEmpty();
            for (int i = 1; i < parts.length; i++) {
                String attribute = parts[i].strip().toLowerCase(Locale.ROOT);
                if (attribute.equals("max-age=0") || attribute.startsWith("expires=thu, 01 jan 1970") || attribute.startsWith("expires=thu, 01-jan-1970")) {
                    expired = true;
                }
            }
            Map<String, String> jar = cookies.computeIfAbsent(uri.getHost(), host -> new ConcurrentHashMap<>());
            if (expired) {
                jar.remove(name);
            } else {
                jar.put(name, value);
            }
        }
    }

    private static Map<String, String> attributes(String text) {
        Map<String, String> attributes = new LinkedHashMap<>();
        Matcher matcher = ATTRIBUTE.matcher(text);
        while (matcher.find()) {
            String value = matcher.group(3) != null ? matcher.group(3) : matcher.group(4);
            attributes.put(matcher.group(1).toLowerCase(Locale.ROOT), unescape(value));
        }
        return attributes;
    }

    private static String unescape(String html) {
        return html.replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'").replace("&#x27;", "'")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&#x3D;", "=").replace("&#61;", "=");
    }

    public static String encode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** The query parameters of {@code uri}, decoded, single-valued. */
    public static Map<String, String> query(URI uri) {
        Map<String, String> parameters = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null) {
            return parameters;
        }
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            parameters.put(java.net.URLDecoder.decode(name, StandardCharsets.UTF_8), java.net.URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return parameters;
    }
}
