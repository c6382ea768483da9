package dev.cartrescue.sinks.whatsapp;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything the sender needs to reach the Cloud API, validated when built. It holds no access
 * token on purpose: settings travel in the job graph and show in the Flink UI, so the token is read
 * only where the sender opens (from {@link #accessTokenFile()}, else the environment variable
 * {@value AccessToken#ENVIRONMENT_VARIABLE}).
 */
public final class CloudApiSettings implements Serializable {

  private static final long serialVersionUID = 1L;

  public static final String DEFAULT_BASE_URL = "https://graph.facebook.com";
  public static final String DEFAULT_API_VERSION = "v24.0";
  public static final double DEFAULT_RATE_LIMIT_PER_SECOND = 80;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(15);
  public static final Duration DEFAULT_RETRY_FOR = Duration.ofMinutes(15);
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(1);
  public static final Duration DEFAULT_TOKEN_CHECK_INTERVAL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_AUTH_PROBE_INTERVAL = Duration.ofMinutes(1);
  public static final Duration DEFAULT_EXPECTED_LATENCY = Duration.ofSeconds(1);

  /**
   * Where templates are sent: {@code /messages} (the Cloud API's one endpoint for every message) or
   * {@code /marketing_messages} (the Marketing Messages API, the route Meta recommends for
   * marketing templates: the same body, with delivery optimisation and conversion metrics).
   */
  public enum Endpoint {
    MESSAGES("messages"),
    MARKETING_MESSAGES("marketing_messages");

    /** The last segment of the send path. */
    public final String path;

    Endpoint(String path) {
      this.path = path;
    }

    @Override
    public String toString() {
      return path;
    }
  }

  /**
   * The Marketing Messages API's {@code product_policy}: {@code CLOUD_API_FALLBACK} lets Meta send
   * through the Cloud API when the Marketing Messages API cannot take the message, {@code STRICT}
   * refuses it instead. Sent only with {@link Endpoint#MARKETING_MESSAGES}.
   */
  public enum ProductPolicy {
    CLOUD_API_FALLBACK,
    STRICT
  }

  public static final Endpoint DEFAULT_ENDPOINT = Endpoint.MESSAGES;
  public static final ProductPolicy DEFAULT_PRODUCT_POLICY = ProductPolicy.CLOUD_API_FALLBACK;

  private static final Pattern API_VERSION = Pattern.compile("v\\d+\\.\\d+");
  private static final Pattern PHONE_NUMBER_ID = Pattern.compile("[A-Za-z0-9_-]+");

  private final String baseUrl;
  private final String apiVersion;
  private final String phoneNumberId;
  private final String accessTokenFile;
  private final Endpoint endpoint;
  private final ProductPolicy productPolicy;
  private final double rateLimitPerSecond;
  private final Duration connectTimeout;
  private final Duration responseTimeout;
  private final Duration retryFor;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration tokenCheckInterval;
  private final Duration authProbeInterval;
  private final Duration expectedLatency;

  private CloudApiSettings(Builder builder) {
    this.baseUrl = stripTrailingSlash(required(builder.baseUrl, "baseUrl"));
    this.apiVersion = required(builder.apiVersion, "apiVersion");
    this.phoneNumberId = required(builder.phoneNumberId, "phoneNumberId");
    this.accessTokenFile = builder.accessTokenFile;
    this.endpoint = required(builder.endpoint, "endpoint");
    this.productPolicy = required(builder.productPolicy, "productPolicy");
    this.rateLimitPerSecond = builder.rateLimitPerSecond;
    this.connectTimeout = positive(builder.connectTimeout, "connectTimeout");
    this.responseTimeout = positive(builder.responseTimeout, "responseTimeout");
    this.retryFor = required(builder.retryFor, "retryFor");
    this.initialBackoff = positive(builder.initialBackoff, "initialBackoff");
    this.maxBackoff = positive(builder.maxBackoff, "maxBackoff");
    this.tokenCheckInterval = positive(builder.tokenCheckInterval, "tokenCheckInterval");
    this.authProbeInterval = positive(builder.authProbeInterval, "authProbeInterval");
    this.expectedLatency = positive(builder.expectedLatency, "expectedLatency");
    validate();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** E.g. {@code https://graph.facebook.com}, without a trailing slash. */
  public String baseUrl() {
    return baseUrl;
  }

  /** The Graph API version, e.g. {@code v24.0}. */
  public String apiVersion() {
    return apiVersion;
  }

  /** The id of the business phone number that sends. */
  public String phoneNumberId() {
    return phoneNumberId;
  }

  /** A file holding the access token, or null to read it from the environment. */
  public String accessTokenFile() {
    return accessTokenFile;
  }

  /** Sends per second for the whole job, shared evenly among the sender's subtasks. */
  public double rateLimitPerSecond() {
    return rateLimitPerSecond;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** How long one request may wait for its answer before it counts as a retryable failure. */
  public Duration responseTimeout() {
    return responseTimeout;
  }

  /**
   * How long after a message was handed to the sender retryable errors are still retried. Time
   * spent paused for a refused token does not count.
   */
  public Duration retryFor() {
    return retryFor;
  }

  /** The wait before the first retry; it doubles for each further one. */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** The longest wait between two retries (the pair rate limit's 4^n s is not capped). */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** How often the access token file is read again, to notice a replaced token. */
  public Duration tokenCheckInterval() {
    return tokenCheckInterval;
  }

  /**
   * While sending is paused because the token was refused, how often one held message is tried
   * again with the token in use (a permission may be granted again without a new token).
   */
  public Duration authProbeInterval() {
    return authProbeInterval;
  }

  /**
   * The round trip of a send to expect, to size the operator: requests in flight are rate x
   * latency. Compare with the {@code sendLatencyMs} histogram.
   */
  public Duration expectedLatency() {
    return expectedLatency;
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  /** Sent with {@link Endpoint#MARKETING_MESSAGES} only. */
  public ProductPolicy productPolicy() {
    return productPolicy;
  }

  /** {@code {baseUrl}/{apiVersion}/{phoneNumberId}/{endpoint}}: where a template is sent. */
  public URI sendUri() {
    return URI.create(baseUrl + "/" + apiVersion + "/" + phoneNumberId + "/" + endpoint.path);
  }

  private void validate() {
    try {
      URI uri = new URI(baseUrl);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "baseUrl must be an http or https URL with a host: " + baseUrl);
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("baseUrl is not a URL: " + baseUrl, e);
    }
    if (!API_VERSION.matcher(apiVersion).matches()) {
      throw new IllegalArgumentException("apiVersion must look like v23.0: " + apiVersion);
    }
    if (!PHONE_NUMBER_ID.matcher(phoneNumberId).matches()) {
      throw new IllegalArgumentException(
          "phoneNumberId must be the number's id (letters, digits, '-', '_'): " + phoneNumberId);
    }
    if (accessTokenFile != null && accessTokenFile.isBlank()) {
      throw new IllegalArgumentException("accessTokenFile must not be blank; use null for none");
    }
    if (!(rateLimitPerSecond > 0) || Double.isInfinite(rateLimitPerSecond)) {
      throw new IllegalArgumentException(
          "rateLimitPerSecond must be a positive number: " + rateLimitPerSecond);
    }
    if (retryFor.isNegative()) {
      throw new IllegalArgumentException("retryFor must not be negative: " + retryFor);
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff ("
              + maxBackoff
              + ") is shorter than initialBackoff ("
              + initialBackoff
              + ")");
    }
  }

  private static <V> V required(V value, String name) {
    if (value == null) {
      throw new IllegalArgumentException(name + " is required");
    }
    return value;
  }

  private static Duration positive(Duration value, String name) {
    if (required(value, name).isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
    return value;
  }

  private static String stripTrailingSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CloudApiSettings that
        && baseUrl.equals(that.baseUrl)
        && apiVersion.equals(that.apiVersion)
        && phoneNumberId.equals(that.phoneNumberId)
        && Objects.equals(accessTokenFile, that.accessTokenFile)
        && endpoint == that.endpoint
        && productPolicy == that.productPolicy
        && Double.compare(rateLimitPerSecond, that.rateLimitPerSecond) == 0
        && connectTimeout.equals(that.connectTimeout)
        && responseTimeout.equals(that.responseTimeout)
        && retryFor.equals(that.retryFor)
        && initialBackoff.equals(that.initialBackoff)
        && maxBackoff.equals(that.maxBackoff)
        && tokenCheckInterval.equals(that.tokenCheckInterval)
        && authProbeInterval.equals(that.authProbeInterval)
        && expectedLatency.equals(that.expectedLatency);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        baseUrl,
        apiVersion,
        phoneNumberId,
        accessTokenFile,
        endpoint,
        productPolicy,
        rateLimitPerSecond,
        connectTimeout,
        responseTimeout,
        retryFor,
        initialBackoff,
        maxBackoff,
        tokenCheckInterval,
        authProbeInterval,
        expectedLatency);
  }

  @Override
  public String toString() {
    return "CloudApiSettings{baseUrl="
        + baseUrl
        + ", apiVersion="
        + apiVersion
        + ", phoneNumberId="
        + phoneNumberId
        + ", accessTokenFile="
        + accessTokenFile
        + ", endpoint="
        + endpoint
        + ", productPolicy="
        + productPolicy
        + ", rateLimitPerSecond="
        + rateLimitPerSecond
        + ", connectTimeout="
        + connectTimeout
        + ", responseTimeout="
        + responseTimeout
        + ", retryFor="
        + retryFor
        + ", initialBackoff="
        + initialBackoff
        + ", maxBackoff="
        + maxBackoff
        + ", tokenCheckInterval="
        + tokenCheckInterval
        + ", authProbeInterval="
        + authProbeInterval
        + ", expectedLatency="
        + expectedLatency
        + "}";
  }

  /** Starts from the defaults; only {@code phoneNumberId} has none. */
  public static final class Builder {
    private String baseUrl = DEFAULT_BASE_URL;
    private String apiVersion = DEFAULT_API_VERSION;
    private String phoneNumberId;
    private String accessTokenFile;
    private Endpoint endpoint = DEFAULT_ENDPOINT;
    private ProductPolicy productPolicy = DEFAULT_PRODUCT_POLICY;
    private double rateLimitPerSecond = DEFAULT_RATE_LIMIT_PER_SECOND;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;
    private Duration retryFor = DEFAULT_RETRY_FOR;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private Duration tokenCheckInterval = DEFAULT_TOKEN_CHECK_INTERVAL;
    private Duration authProbeInterval = DEFAULT_AUTH_PROBE_INTERVAL;
    private Duration expectedLatency = DEFAULT_EXPECTED_LATENCY;

    private Builder() {}

    public Builder baseUrl(String baseUrl) {
      this.baseUrl = baseUrl;
      return this;
    }

    public Builder apiVersion(String apiVersion) {
      this.apiVersion = apiVersion;
      return this;
    }

    public Builder phoneNumberId(String phoneNumberId) {
      this.phoneNumberId = phoneNumberId;
      return this;
    }

    /** Null (the default) reads the token from the environment instead. */
    public Builder accessTokenFile(String accessTokenFile) {
      this.accessTokenFile = accessTokenFile;
      return this;
    }

    /** Null (the default) reads the token from the environment instead. */
    public Builder accessTokenFile(Path accessTokenFile) {
      this.accessTokenFile = accessTokenFile == null ? null : accessTokenFile.toString();
      return this;
    }

    public Builder endpoint(Endpoint endpoint) {
      this.endpoint = endpoint;
      return this;
    }

    public Builder productPolicy(ProductPolicy productPolicy) {
      this.productPolicy = productPolicy;
      return this;
    }

    public Builder rateLimitPerSecond(double rateLimitPerSecond) {
      this.rateLimitPerSecond = rateLimitPerSecond;
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    public Builder responseTimeout(Duration responseTimeout) {
      this.responseTimeout = responseTimeout;
      return this;
    }

    public Builder retryFor(Duration retryFor) {
      this.retryFor = retryFor;
      return this;
    }

    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = initialBackoff;
      return this;
    }

    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
      return this;
    }

    public Builder tokenCheckInterval(Duration tokenCheckInterval) {
      this.tokenCheckInterval = tokenCheckInterval;
      return this;
    }

    public Builder authProbeInterval(Duration authProbeInterval) {
      this.authProbeInterval = authProbeInterval;
      return this;
    }

    public Builder expectedLatency(Duration expectedLatency) {
      this.expectedLatency = expectedLatency;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the setting that is missing or invalid
     */
    public CloudApiSettings build() {
      return new CloudApiSettings(this);
    }
  }
}
