package dev.cartrescue.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cartrescue.connectors.KafkaInputs;
import dev.cartrescue.job.config.CartRescueOptions;
import dev.cartrescue.job.config.JobOptions;
import dev.cartrescue.job.pipeline.KafkaSendLedger;
import dev.cartrescue.job.records.CappingEvent;
import dev.cartrescue.job.records.RecordSchemas;
import dev.cartrescue.testkit.EmbeddedKafka;
import dev.cartrescue.testkit.cloudapi.CloudApiSimulator;
import dev.cartrescue.testkit.shop.ShopRecords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;

/**
 * The whole job as the end-to-end tests run it: on the contract's topics in a real Kafka broker in
 * this JVM, sending to the Cloud API simulator, on a compressed clock (carts are abandoned after 3
 * seconds, event time follows the wall clock after 2 quiet seconds). Tests change any option with
 * {@link #set} (for every later start) or with the flags of {@link #start} (for that start only),
 * then read what the job wrote: outcomes, capping events and dead letters.
 *
 * <p>Every start first writes one primer record into each partition of each input topic: a
 * partition that is still empty when the job starts holds event time back for the first-record
 * grace (30 s), and each test would wait for it. A primer belongs to a contact of its own, is of a
 * kind that makes no cart and no dead letter (a page view, a bare profile, another system's capping
 * event), and is older than any record a test writes, so it moves event time no further than the
 * test's own records do.
 */
public final class JobUnderTest implements AutoCloseable {
  private static final String PHONE_NUMBER_ID = "1234567890";

  /** How long to wait for the job's outcomes before giving up. */
  public static final Duration PATIENCE = Duration.ofMinutes(2);

  /** How long to go on reading once enough outcomes are there: anything more is a duplicate. */
  private static final Duration SETTLE = Duration.ofSeconds(2);

  private static final Duration POLL = Duration.ofMillis(250);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long PRIMER_TIME = Instant.parse("2020-01-01T00:00:00Z").toEpochMilli();

  private final EmbeddedKafka kafka;
  private final CloudApiSimulator cloudApi;
  private final Path directory;
  private final int partitions;
  private final Map<String, String> options = new LinkedHashMap<>();
  private final Configuration flink = new Configuration();
  private CartRescueOptions started;
  private JobClient job;

  private JobUnderTest(
      EmbeddedKafka kafka,
      CloudApiSimulator cloudApi,
      Path directory,
      Path tokenFile,
      int partitions) {
    this.kafka = kafka;
    this.cloudApi = cloudApi;
    this.directory = directory;
    this.partitions = partitions;
    options.put("kafka.bootstrap-servers", kafka.bootstrapServers());
    options.put("topic.clickstream", "clickstream");
    options.put("topic.contacts", "contacts");
    options.put("topic.capping", "whatsapp-cart-recovery-capping");
    options.put("topic.outcomes", "cart-recovery-outcomes");
    options.put("topic.dead-letter", "cart-recovery-dead-letter");
    options.put("topic.webhooks", "whatsapp-webhooks");
    options.put("rule.abandon-after", "PT3S");
    options.put("watermark.out-of-orderness", "PT1S");
    options.put("watermark.idle-advance", "PT2S");
    options.put("whatsapp.base-url", cloudApi.baseUrl());
    options.put("whatsapp.phone-number-id", PHONE_NUMBER_ID);
    options.put("whatsapp.access-token-file", tokenFile.toString());
    options.put("checkpoint.interval", "PT1S");
    options.put("checkpoint.dir", directory.resolve("checkpoints").toUri().toString());
    options.put("parallelism", String.valueOf(partitions));
    flink.setString("rest.port", "0");
  }

  /**
   * Starts a broker with the contract's five topics ({@code partitions} each) and a Cloud API
   * simulator that accepts {@code token}, which the job reads from a file in {@code directory}. The
   * job itself starts with {@link #start}.
   */
  public static JobUnderTest create(Path directory, String token, int partitions) {
    EmbeddedKafka kafka = EmbeddedKafka.start();
    CloudApiSimulator cloudApi = null;
    try {
      cloudApi = CloudApiSimulator.start(0, token);
      Path tokenFile = Files.writeString(directory.resolve("token"), token + "\n");
      JobUnderTest fixture = new JobUnderTest(kafka, cloudApi, directory, tokenFile, partitions);
      fixture.createTopics(fixture.options);
      return fixture;
    } catch (IOException | RuntimeException e) {
      if (cloudApi != null) {
        cloudApi.close();
      }
      kafka.close();
      if (e instanceof IOException io) {
        throw new UncheckedIOException(io);
      }
      throw (RuntimeException) e;
    }
  }

  public EmbeddedKafka kafka() {
    return kafka;
  }

  public CloudApiSimulator cloudApi() {
    return cloudApi;
  }

  /** Sets an option of the contract ({@code rule.abandon-after}, ...) for every later start. */
  public JobUnderTest set(String key, String value) {
    options.put(key, value);
    return this;
  }

  /** Sets a Flink setting of the place the job runs ({@code rest.port}, ...). */
  public JobUnderTest flink(String key, String value) {
    flink.setString(key, value);
    return this;
  }

  /** The topic an option names: {@code topic("outcomes")} is the value of topic.outcomes. */
  public String topic(String name) {
    return options.get("topic." + name);
  }

  /** The options set, as the {@code --key value} flags of {@code cart-rescue run}. */
  public List<String> flags() {
    List<String> flags = new ArrayList<>();
    options.forEach(
        (key, value) -> {
          flags.add("--" + key);
          flags.add(value);
        });
    return flags;
  }

  /**
   * Starts the job with the options set, changed by {@code flags} ({@code --key value}) for this
   * start only. Creates the topics it names that do not exist yet, and primes every input
   * partition.
   */
  public JobClient start(String... flags) throws Exception {
    if (job != null) {
      throw new IllegalStateException("a job is running already");
    }
    Map<String, String> given = new LinkedHashMap<>(options);
    given.putAll(CartRescueOptions.flags(flags));
    createTopics(given);
    CartRescueOptions parsed = CartRescueOptions.of(given);
    prime(parsed);
    job = CartRescueJob.start(parsed, flink);
    started = parsed;
    return job;
  }

  public void cancel() throws Exception {
    JobClient running = ending();
    running.cancel().get();
  }

  /** Stops the job with a savepoint in this test's directory and returns its path. */
  public String stopWithSavepoint() throws Exception {
    JobClient running = ending();
    return running
        .stopWithSavepoint(
            false,
            directory.resolve("savepoints").toUri().toString(),
            SavepointFormatType.CANONICAL)
        .get();
  }

  /** The outcomes of the job started last, as they are now. */
  public List<JsonNode> outcomes() {
    return validated(read(startedOptions().outcomesTopic), "outputs/outcome");
  }

  /**
   * Waits until the job started last has written {@code count} outcomes, then a little longer so
   * that a duplicate would show, and returns them all. Returns what there is after {@link
   * #PATIENCE}, for the test's assertions to say what is missing.
   */
  public List<JsonNode> awaitOutcomes(int count) throws InterruptedException {
    return awaitOutcomes(count, outcome -> true);
  }

  /** Like {@link #awaitOutcomes(int)}, counting and returning only the outcomes that match. */
  public List<JsonNode> awaitOutcomes(int count, Predicate<JsonNode> which)
      throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (matching(which).size() < count && System.nanoTime() - deadline < 0) {
      Thread.sleep(POLL.toMillis());
    }
    Thread.sleep(SETTLE.toMillis());
    return matching(which);
  }

  /** Waits for the one outcome that matches, and fails when there is more than one or none. */
  public JsonNode awaitOutcome(Predicate<JsonNode> which) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (System.nanoTime() - deadline < 0) {
      List<JsonNode> found = matching(which);
      if (found.size() > 1) {
        throw new AssertionError("one outcome per cart, but there are " + found);
      }
      if (found.size() == 1) {
        return found.get(0);
      }
      Thread.sleep(POLL.toMillis());
    }
    throw new AssertionError("no such outcome within " + PATIENCE);
  }

  /** The capping topic of the job started last: its own capping events and every other one. */
  public List<JsonNode> cappingEvents() {
    List<JsonNode> events = validated(read(startedOptions().cappingTopic), "inputs/capping-event");
    validated(
        events.stream().filter(e -> CappingEvent.TYPE.equals(e.path("type").asText(null))).toList(),
        "outputs/capping-event");
    return events;
  }

  /** The delivery statuses of the job started last. */
  public List<JsonNode> deliveries() {
    return validated(read(startedOptions().deliveriesTopic), "outputs/delivery-status");
  }

  /** The consent changes of the job started last. */
  public List<JsonNode> consentChanges() {
    return validated(read(startedOptions().consentChangesTopic), "outputs/consent-change");
  }

  /** The hand-offs of the job started last. */
  public List<JsonNode> handoffs() {
    return validated(read(startedOptions().handoffsTopic), "outputs/advisor-handoff");
  }

  /** The dead letters of the job started last. */
  public List<JsonNode> deadLetters() {
    return validated(read(startedOptions().deadLetterTopic), "outputs/dead-letter");
  }

  /**
   * The send ledger of the job started last, each entry as {@code {"key", "value"}} (both are plain
   * text on the topic), validated against outputs/send-ledger-entry.
   */
  public List<JsonNode> sendLedger() {
    List<JsonNode> entries = new ArrayList<>();
    for (ConsumerRecord<String, String> r :
        kafka.readAll(KafkaSendLedger.topicFor(startedOptions().kafka))) {
      entries.add(JSON.createObjectNode().put("key", r.key()).put("value", r.value()));
    }
    return validated(entries, "outputs/send-ledger-entry");
  }

  /**
   * The records, each checked against the schema the repository gives for it: a record the job
   * wrote that its schema rejects fails the test reading it.
   */
  private static List<JsonNode> validated(List<JsonNode> records, String schema) {
    for (JsonNode record : records) {
      RecordSchemas.assertValid(schema, record);
    }
    return records;
  }

  /**
   * Every committed JSON value of a topic (tombstones left out), in partition then offset order.
   */
  private List<JsonNode> read(String topic) {
    List<JsonNode> values = new ArrayList<>();
    for (ConsumerRecord<String, String> r : kafka.readAll(topic)) {
      if (r.value() != null) {
        values.add(json(r.value()));
      }
    }
    return values;
  }

  /** {@code sent}, or the reason a cart was not sent: an outcome in the fewest words. */
  public static String sentOrReason(JsonNode outcome) {
    return outcome.get("outcome").asText().equals("sent") ? "sent" : outcome.get("reason").asText();
  }

  /** Writes to topic.clickstream, as {@link #write(String, ShopRecords.Builder)} does. */
  public void write(ShopRecords.Click event) {
    write(topic("clickstream"), event);
  }

  /** Writes to topic.contacts, as {@link #write(String, ShopRecords.Builder)} does. */
  public void write(ShopRecords.Profile profile) {
    write(topic("contacts"), profile);
  }

  /** Writes to topic.capping, as {@link #write(String, ShopRecords.Builder)} does. */
  public void write(ShopRecords.Capping capping) {
    write(topic("capping"), capping);
  }

  /**
   * Writes a record as the shop's producers do: keyed by its contact, with its time (if it has one)
   * as the Kafka timestamp.
   */
  public void write(String topic, ShopRecords.Builder<?> record) {
    OptionalLong time = record.time();
    if (time.isPresent()) {
      kafka.send(topic, record.contact(), record.json(), time.getAsLong());
    } else {
      kafka.send(topic, record.contact(), record.json());
    }
  }

  /** Writes an add_to_cart of one trail shoe: the cart of a test that needs no other. */
  public void addToCart(String contact, String cart, long at) {
    write(ShopRecords.addToCart(contact, cart, at).product("sku-1", "Trail shoe").epochMillis());
  }

  /** Cancels the job if one runs, then stops the simulator and the broker. */
  @Override
  public void close() {
    try {
      if (job != null) {
        ending().cancel().get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while cancelling the job", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the job could not be cancelled", e.getCause());
    } finally {
      try {
        cloudApi.close();
      } finally {
        kafka.close();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  private void createTopics(Map<String, String> given) {
    kafka.createTopics(
        partitions,
        given.get("topic.clickstream"),
        given.get("topic.contacts"),
        given.get("topic.capping"),
        given.get("topic.outcomes"),
        given.get("topic.dead-letter"),
        given.get("topic.webhooks"),
        topic(given, JobOptions.DELIVERIES_TOPIC),
        topic(given, JobOptions.CONSENT_CHANGES_TOPIC),
        topic(given, JobOptions.HANDOFFS_TOPIC));
  }

  private static String topic(Map<String, String> given, ConfigOption<String> option) {
    return given.getOrDefault(option.key(), option.defaultValue());
  }

  private void prime(CartRescueOptions o) {
    prime(o, o.clickstreamTopic, c -> ShopRecords.pageView(c, PRIMER_TIME).epochMillis());
    prime(o, o.contactsTopic, c -> ShopRecords.profile(c).updatedAt(PRIMER_TIME).epochMillis());
    prime(o, o.cappingTopic, c -> ShopRecords.capping(c, PRIMER_TIME).epochMillis());
    int count = KafkaInputs.partitions(o.kafka, o.webhooksTopic);
    for (int partition = 0; partition < count; partition++) {
      String contact = primerContact(partition, count);
      kafka.send(o.webhooksTopic, contact, primerStatus(contact, PRIMER_TIME));
    }
  }

  /** A status notification of a message no test sent, at {@code time}. */
  public static String primerStatus(String name, long time) {
    return "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"primer\",\"changes\":["
        + "{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"statuses\":["
        + "{\"id\":\"wamid.primer-"
        + name
        + "\",\"status\":\"sent\",\"timestamp\":\""
        + time / 1000
        + "\"}]}}]}]}";
  }

  /** One record in each partition: the {@code primer} of a contact of that partition. */
  private void prime(
      CartRescueOptions o, String topic, Function<String, ShopRecords.Builder<?>> primer) {
    int count = KafkaInputs.partitions(o.kafka, topic);
    for (int partition = 0; partition < count; partition++) {
      String contact = primerContact(partition, count);
      kafka.send(topic, contact, primer.apply(contact).json());
    }
  }

  /** A contact whose records the producer's default partitioner puts into {@code partition}. */
  private static String primerContact(int partition, int partitions) {
    for (int i = 0; ; i++) {
      String contact = "primer-" + i;
      byte[] key = contact.getBytes(StandardCharsets.UTF_8);
      if (Utils.toPositive(Utils.murmur2(key)) % partitions == partition) {
        return contact;
      }
    }
  }

  private List<JsonNode> matching(Predicate<JsonNode> which) {
    return outcomes().stream().filter(which).toList();
  }

  private CartRescueOptions startedOptions() {
    if (started == null) {
      throw new IllegalStateException("no job started yet");
    }
    return started;
  }

  /** The running job, which the caller is about to end. */
  private JobClient ending() {
    if (job == null) {
      throw new IllegalStateException("no job is running");
    }
    JobClient running = job;
    job = null;
    return running;
  }

  private static JsonNode json(String value) {
    try {
      return JSON.readTree(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
