package io.pganalytics.server.auth.provider;

/** A live identity provider, made by its {@link ProviderKind} from a {@link ProviderDefinition}. */
public interface IdentityProvider extends AutoCloseable {
    ProviderDefinition definition();

    /**
     * "Test connection" for the administration screen: reaches the directory or fetches the provider's metadata and
     * says what it found; throws {@code ApiException} with a clear message (never a secret) when it cannot.
     */
    String test();

    /** Releases connections and caches; the default holds none. */
    @Override
    default void close() {
    }
}
