package dev.cartrescue.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cartrescue.connectors.KafkaInputs;
import dev.cartrescue.connectors.KafkaSettings;
import dev.cartrescue.connectors.Parsed;
import dev.cartrescue.connectors.RecordParser;
import dev.cartrescue.job.CartRescueJob;
import dev.cartrescue.job.config.CartRescueOptions;
import dev.cartrescue.job.config.OptionsException;
import dev.cartrescue.job.records.CappingEvent;
import dev.cartrescue.job.records.CappingEventParser;
import dev.cartrescue.job.records.ClickEvent;
import dev.cartrescue.job.records.ClickEventParser;
import dev.cartrescue.job.records.ContactProfile;
import dev.cartrescue.job.records.ContactProfileParser;
import dev.cartrescue.local.bench.BenchData.Made;
import dev.cartrescue.testkit.KafkaBrokerProcess;
import dev.cartrescue.testkit.cloudapi.CloudApiSimulator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jdk.jfr.Recording;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code ./cart-rescue bench}: how fast the job is on this machine, against the ceiling of any job
 * here. See docs/benchmarks.md for what it measures and how to read it.
 *
 * <p>A real Kafka broker runs in a process of its own; the generator fills the input topics before
 * any timing starts ({@link BenchData}). Then, alternating, round after round: (a) a pass-through
 * job (the same Kafka sources and JSON parsers, then discard) and (b) the full job exactly as
 * {@code ./cart-rescue run} builds it ({@link CartRescueJob#environment}), with RocksDB,
 * incremental checkpoints every 10 s and the Cloud API simulator answering after a realistic
 * latency, each on a fresh MiniCluster with one TaskManager of two slots. The bench JVM hosts the
 * MiniCluster, so its CPU time ({@code getProcessCpuTime}) is the job's (plus the bench's own
 * polling, which is small); the broker's CPU is counted apart.
 */
public final class Bench {
  static final int PARTITIONS = 2;
  static final String PHONE_NUMBER_ID = "106540352242922";
  private static final ObjectMapper JSON = new ObjectMapper();

  static final String CLICKSTREAM = "clickstream";
  static final String CONTACTS = "contacts";
  static final String CAPPING = "whatsapp-cart-recovery-capping";
  static final String WEBHOOKS = "whatsapp-webhooks";
  private static final String TOKEN = "bench-token";

  /** One round: the pass-through job, then the full job, with the outcomes the full job wrote. */
  record Round(JobRun.Result passThrough, JobRun.Result full, Map<String, Long> outcomes) {}

  /** What a bench found, for its last lines and its exit status. */
  interface Findings {
    /** Whether the job wrote the outcomes that the generated input must give. */
    boolean outcomesAsExpected();

    /** What the outcomes should have been, for the message when they were not. */
    String expectedOutcomes();

    String lastLine();
  }

  /** What every job of a bench runs against; the broker and the simulator live as long as it. */
  record Rig(
      BenchOptions options,
      String bootstrap,
      long brokerPid,
      CloudApiSimulator cloudApi,
      Path tokenFile,
      Path work) {}

  /** A bench on a {@link Rig}. */
  interface OnRig<T> {
    T run(Rig rig) throws Exception;
  }

  /** The whole bench. */
  record Report(BenchOptions options, Made made, List<Round> rounds) implements Findings {
    double jobEps() {
      return median(rounds.stream().map(r -> r.full().steadyEps()).toList());
    }

    double passThroughEps() {
      return median(rounds.stream().map(r -> r.passThrough().steadyEps()).toList());
    }

    /** The largest checkpointed state of the full job over the contacts (median of rounds). */
    long stateBytesPerContact() {
      return Math.round(
          median(rounds.stream().map(r -> (double) r.full().maxStateSize()).toList())
              / options.contacts());
    }

    /** Every round wrote exactly one stale outcome per abandoned cart, and nothing else. */
    @Override
    public boolean outcomesAsExpected() {
      return rounds.stream()
          .allMatch(
              r ->
                  r.outcomes().equals(Map.of("suppressed/stale", made.abandonedCarts()))
                      || (made.abandonedCarts() == 0 && r.outcomes().isEmpty()));
    }

    @Override
    public String expectedOutcomes() {
      return made.abandonedCarts() + " abandoned carts the generator made (all stale)";
    }

    @Override
    public String lastLine() {
      return String.format(
          Locale.ROOT,
          "bench: mix=%s contacts=%d events=%d job_eps=%d passthrough_eps=%d ratio=%.3f"
              + " state_bytes_per_contact=%d",
          options.mix().label(),
          options.contacts(),
          made.clickEvents(),
          Math.round(jobEps()),
          Math.round(passThroughEps()),
          jobEps() / passThroughEps(),
          stateBytesPerContact());
    }
  }

  private Bench() {}

  public static void main(String[] args) throws Exception {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.println(BenchOptions.usage());
      return;
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (OptionsException e) {
      System.err.println("cart-rescue bench: " + e.getMessage());
      System.exit(2);
      return;
    }
    int status = 0;
    try {
      Findings report =
          options.measure() == BenchOptions.Measure.SENDER
              ? SenderBench.run(options, System.out)
              : run(options, System.out);
      if (!report.outcomesAsExpected()) {
        System.err.println(
            "cart-rescue bench: the outcomes do not match the " + report.expectedOutcomes());
        status = 1;
      }
      System.out.println(report.lastLine());
    } catch (Exception e) {
      System.err.println("cart-rescue bench: " + e + " (see .cart-rescue/logs/)");
      status = 1;
    }
    System.out.flush();
    // Flink and Kafka leave threads behind that would keep the JVM alive.
    System.exit(status);
  }

  static Report run(BenchOptions o, PrintStream out) throws Exception {
    out.printf(
        "bench: %d contacts, %d events, mix %s, %d round(s); broker in a process of its own%n",
        o.contacts(), o.events(), o.mix().label(), o.rounds());
    return onRig(o, rig -> rounds(rig, out));
  }

  private static Report rounds(Rig rig, PrintStream out) throws Exception {
    BenchOptions o = rig.options();
    long started = System.nanoTime();
    Made made = fill(rig.bootstrap(), o);
    out.printf(
        "bench: generated %d events (%d add_to_cart, %d purchase, %d page_view), %d profiles,"
            + " %d abandoned carts, in %.1f s (not measured)%n",
        made.clickEvents(),
        made.addToCarts(),
        made.purchases(),
        made.pageViews(),
        o.contacts(),
        made.abandonedCarts(),
        (System.nanoTime() - started) / 1e9);
    List<Round> rounds = new ArrayList<>();
    for (int round = 1; round <= o.rounds(); round++) {
      JobRun.Result pass = passThrough(rig, round, made);
      out.println(describe(round, pass));
      String outcomesTopic = "bench-outcomes-" + round;
      String deadLetters = "bench-dead-letters-" + round;
      createTopics(rig.bootstrap(), outcomesTopic, deadLetters);
      String run = "full-" + round;
      Path profile = round == o.rounds() ? o.profile() : null;
      JobRun.Result full;
      Map<String, Long> outcomes;
      try (OutcomeCounter counter = new OutcomeCounter(rig.bootstrap(), outcomesTopic)) {
        JobRun.Completion allOutcomes = new JobRun.Completion(counter, made.abandonedCarts());
        full =
            profiled(
                profile,
                out,
                () ->
                    fullJob(
                        rig,
                        run,
                        made.clickEvents() + PARTITIONS,
                        o.contacts() + 3L * PARTITIONS,
                        outcomesTopic,
                        deadLetters,
                        allOutcomes));
        outcomes = counter.counts();
      }
      out.println(describe(round, full));
      out.println(
          "bench: round %d outcomes %s, against %d abandoned carts made (expected all stale)"
              .formatted(round, outcomes, made.abandonedCarts()));
      rounds.add(new Round(pass, full, outcomes));
    }
    Report report = new Report(o, made, rounds);
    out.println(
        String.format(
            Locale.ROOT,
            "bench: ratio full/pass-through %.3f (steady eps, median of rounds); state %d bytes"
                + " per contact",
            report.jobEps() / report.passThroughEps(),
            report.stateBytesPerContact()));
    return report;
  }

  /**
   * A fresh work directory, a broker in a process of its own with the three input topics, and the
   * Cloud API simulator at the options' latency, for as long as {@code bench} runs.
   */
  static <T> T onRig(BenchOptions o, OnRig<T> bench) throws Exception {
    Path work = o.workDir().toAbsolutePath();
    wipe(work);
    Files.createDirectories(work);
    try (KafkaBrokerProcess broker = KafkaBrokerProcess.start(work.resolve("broker"));
        CloudApiSimulator cloudApi = CloudApiSimulator.start(0, TOKEN)) {
      cloudApi.setLatency(o.latency());
      Path tokenFile = Files.writeString(work.resolve("token"), TOKEN);
      String bootstrap = broker.bootstrapServers();
      createTopics(bootstrap, CLICKSTREAM, CONTACTS, CAPPING, WEBHOOKS);
      return bench.run(new Rig(o, bootstrap, brokerPid(), cloudApi, tokenFile, work));
    }
  }

  /** A measured job to run, as {@link #profiled} runs it. */
  interface Measured {
    JobRun.Result run() throws Exception;
  }

  /**
   * Runs {@code job}, recorded with JFR to {@code jfr} when not null, with its hot frames per
   * operator written beside it.
   */
  static JobRun.Result profiled(Path jfr, PrintStream out, Measured job) throws Exception {
    if (jfr == null) {
      return job.run();
    }
    Recording recording = startRecording();
    try {
      return job.run();
    } finally {
      recording.stop();
      Path file = jfr.toAbsolutePath();
      recording.dump(file);
      recording.close();
      Path text = file.resolveSibling(file.getFileName() + ".txt");
      JfrSummary.write(file, text);
      out.println("bench: profile of the full job in " + file + ", hot frames in " + text);
    }
  }

  private static String describe(int round, JobRun.Result r) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "bench: round %d %-12s steady %,8.0f events/s, from launch %,8.0f events/s (first"
                + " record after %.1f s); %.1f CPU s per million events (bench JVM); broker %.1f"
                + " CPU s; done after %.1f s",
            round,
            r.job(),
            r.steadyEps(),
            r.launchEps(),
            r.launchSeconds(),
            r.cpuSecondsPerMillion(),
            r.brokerCpuSeconds(),
            r.doneSeconds()));
    if (!r.checkpointMillis().isEmpty()) {
      s.append(
          String.format(
              Locale.ROOT,
              "%n       checkpoints %s ms; state %,d bytes at the end, largest %,d",
              r.checkpointMillis(),
              r.stateSize(),
              r.maxStateSize()));
    }
    r.pressure()
        .forEach(
            (vertex, p) -> s.append("\n       ").append(p.describe()).append("  ").append(vertex));
    return s.toString();
  }

  private static JobRun.Result passThrough(Rig rig, int round, Made made) throws Exception {
    BenchOptions o = rig.options();
    Configuration conf = JobRun.taskManager(o.managedMemory());
    conf.setString("parallelism.default", String.valueOf(PARTITIONS));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    KafkaSettings kafka =
        new KafkaSettings(
            rig.bootstrap(),
            "bench-pass-through-" + round,
            KafkaSettings.StartingOffsets.EARLIEST,
            Map.of());
    discard(env, kafka, CLICKSTREAM, new ClickEventParser(), ClickEvent.class);
    discard(env, kafka, CONTACTS, new ContactProfileParser(), ContactProfile.class);
    discard(env, kafka, CAPPING, new CappingEventParser(), CappingEvent.class);
    return JobRun.run(
        "pass-through",
        env,
        conf,
        made.clickEvents() + PARTITIONS,
        o.contacts() + 2L * PARTITIONS,
        null,
        () -> cpuNanos(rig.brokerPid()));
  }

  private static <T> void discard(
      StreamExecutionEnvironment env,
      KafkaSettings kafka,
      String topic,
      RecordParser<T> parser,
      Class<T> type) {
    TypeInformation<Parsed<T>> parsedType = Parsed.typeInfo(TypeInformation.of(type));
    env.fromSource(
            KafkaInputs.source(kafka, topic, parser, parsedType),
            WatermarkStrategy.noWatermarks(),
            topic + " (Kafka " + topic + ")",
            parsedType)
        .setParallelism(PARTITIONS)
        .sinkTo(new DiscardingSink<>())
        .name("discard " + topic)
        .setParallelism(PARTITIONS);
  }

  /**
   * The full job exactly as {@code ./cart-rescue run} builds it, on the rig's broker and simulator,
   * with a group id and checkpoints of its own ({@code run} names them), and {@code jobOptions}
   * (the job's {@code --key value} flags) over the bench's.
   */
  static JobRun.Result fullJob(
      Rig rig,
      String run,
      long clickEvents,
      long otherInputs,
      String outcomesTopic,
      String deadLetters,
      JobRun.Completion completion,
      String... jobOptions)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--kafka.bootstrap-servers",
                rig.bootstrap(),
                "--kafka.group-id",
                "bench-" + run,
                "--kafka.starting-offsets",
                "earliest",
                "--topic.clickstream",
                CLICKSTREAM,
                "--topic.contacts",
                CONTACTS,
                "--topic.capping",
                CAPPING,
                "--topic.outcomes",
                outcomesTopic,
                "--topic.dead-letter",
                deadLetters,
                "--whatsapp.base-url",
                rig.cloudApi().baseUrl(),
                "--whatsapp.phone-number-id",
                PHONE_NUMBER_ID,
                "--whatsapp.access-token-file",
                rig.tokenFile().toString(),
                "--checkpoint.interval",
                "PT10S",
                "--checkpoint.dir",
                rig.work().resolve("checkpoints-" + run).toUri().toString(),
                "--parallelism",
                String.valueOf(PARTITIONS),
                "--web-ui.port",
                "0"));
    args.addAll(List.of(jobOptions));
    CartRescueOptions options = CartRescueOptions.parse(args.toArray(String[]::new));
    Configuration extra = JobRun.taskManager(rig.options().managedMemory());
    // As LocalRun.start does for ./cart-rescue run.
    StreamExecutionEnvironment env = CartRescueJob.environment(options, extra);
    Configuration conf = CartRescueJob.configuration(options, extra);
    return JobRun.run(
        "full job",
        env,
        conf,
        clickEvents,
        otherInputs,
        completion,
        () -> cpuNanos(rig.brokerPid()));
  }

  /**
   * The topics, then the clickstream in timestamp order with a fast producer (batches, lz4), keyed
   * by contact; then per partition a marker event two hours past the last deadline, on every input,
   * so that event time passes every deadline as soon as the input is read (no waiting for the wall
   * clock).
   */
  static Made fill(String bootstrap, BenchOptions o) throws Exception {
    BenchData data = new BenchData(o.contacts(), o.events(), o.mix().pageViewShare(), o.seed());
    Made span = data.generate(0, (c, t, j) -> {});
    long now = System.currentTimeMillis();
    long start =
        now
            - BenchData.NEWEST_DEADLINE_AGE.toMillis()
            - BenchData.ABANDON_AFTER.toMillis()
            - (span.lastTimestamp() - span.firstTimestamp());
    List<Future<RecordMetadata>> last = new ArrayList<>();
    Made made;
    try (KafkaProducer<String, String> producer = producer(bootstrap)) {
      long profileTime = start - Duration.ofDays(1).toMillis();
      for (int i = 0; i < o.contacts(); i++) {
        producer.send(
            new ProducerRecord<>(
                CONTACTS,
                null,
                profileTime,
                BenchData.contactId(i),
                BenchData.profile(i, profileTime)));
      }
      made =
          data.generate(
              start,
              (contact, timestamp, json) ->
                  producer.send(new ProducerRecord<>(CLICKSTREAM, null, timestamp, contact, json)));
      long marker = made.lastTimestamp() + Duration.ofHours(2).toMillis();
      String at = Instant.ofEpochMilli(marker).toString();
      for (int partition = 0; partition < PARTITIONS; partition++) {
        String contact = "bench-end-" + partition;
        last.add(
            producer.send(
                new ProducerRecord<>(
                    CLICKSTREAM,
                    partition,
                    marker,
                    contact,
                    "{\"event_id\":\"end-%d\",\"type\":\"page_view\",\"contact_id\":\"%s\",\"timestamp\":\"%s\"}"
                        .formatted(partition, contact, at))));
        last.add(
            producer.send(
                new ProducerRecord<>(
                    CONTACTS,
                    partition,
                    marker,
                    contact,
                    "{\"contact_id\":\"%s\",\"whatsapp_consent\":false,\"updated_at\":\"%s\"}"
                        .formatted(contact, at))));
        last.add(
            producer.send(
                new ProducerRecord<>(
                    CAPPING,
                    partition,
                    marker,
                    contact,
                    "{\"contact_id\":\"%s\",\"timestamp\":\"%s\"}".formatted(contact, at))));
        // A notification with no change: its event time is its record's.
        last.add(
            producer.send(
                new ProducerRecord<>(
                    WEBHOOKS,
                    partition,
                    marker,
                    contact,
                    "{\"object\":\"whatsapp_business_account\",\"entry\":[]}")));
      }
      producer.flush();
      for (Future<RecordMetadata> f : last) {
        f.get(1, TimeUnit.MINUTES);
      }
    }
    return made;
  }

  /** The generator's producer: fast (batches, lz4); its records are all in when it is closed. */
  static KafkaProducer<String, String> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(512 * 1024));
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(128L * 1024 * 1024));
    p.put(ProducerConfig.ACKS_CONFIG, "1");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    return new KafkaProducer<>(p);
  }

  /** Two partitions each, kept for ever: the events' timestamps lie days in the past. */
  static void createTopics(String bootstrap, String... topics) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      List<NewTopic> newTopics = new ArrayList<>();
      for (String topic : topics) {
        newTopics.add(
            new NewTopic(topic, PARTITIONS, (short) 1)
                .configs(Map.of("retention.ms", "-1", "retention.bytes", "-1")));
      }
      admin.createTopics(newTopics).all().get(1, TimeUnit.MINUTES);
    }
  }

  private static Recording startRecording() throws Exception {
    Recording recording = new Recording(jdk.jfr.Configuration.getConfiguration("profile"));
    recording.setName("cart-rescue bench: full job");
    recording.setToDisk(true);
    recording.start();
    return recording;
  }

  /** The broker: the one Java process this JVM started (the bench starts no other). */
  private static long brokerPid() {
    return ProcessHandle.current()
        .children()
        .filter(h -> h.info().command().map(c -> c.endsWith("java")).orElse(false))
        .mapToLong(ProcessHandle::pid)
        .findFirst()
        .orElse(-1);
  }

  private static long cpuNanos(long pid) {
    return ProcessHandle.of(pid)
        .flatMap(h -> h.info().totalCpuDuration())
        .map(Duration::toNanos)
        .orElse(0L);
  }

  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n == 0
        ? 0
        : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static void wipe(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** Counts the committed outcomes of a topic by outcome and reason, as a reader of it would. */
  static final class OutcomeCounter implements JobRun.Count, AutoCloseable {
    private final KafkaConsumer<String, String> consumer;
    private final Map<String, Long> counts = new TreeMap<>();
    private final String bootstrap;
    private long total;

    OutcomeCounter(String bootstrap, String topic) {
      this.bootstrap = bootstrap;
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      // Kafka's 500 a poll would count only 1,000 outcomes a second at the bench's poll rate.
      p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100_000);
      consumer = new KafkaConsumer<>(p);
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .collect(Collectors.toList());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    }

    @Override
    public long poll(FlinkRest rest, List<FlinkRest.Vertex> vertices) throws IOException {
      return poll();
    }

    /**
     * The committed end offsets (the last stable offsets) against the written ones: a transaction
     * left open shows as the first lagging behind the second.
     */
    @Override
    public String describe() {
      Set<TopicPartition> partitions = consumer.assignment();
      try (KafkaConsumer<String, String> uncommitted =
          new KafkaConsumer<>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  bootstrap,
                  ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                  StringDeserializer.class.getName(),
                  ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                  StringDeserializer.class.getName()))) {
        return "outcomes topic: committed end offsets "
            + consumer.endOffsets(partitions, Duration.ofSeconds(10))
            + ", written "
            + uncommitted.endOffsets(partitions, Duration.ofSeconds(10))
            + ", read up to "
            + partitions.stream().map(consumer::position).toList()
            + "; ";
      } catch (RuntimeException e) {
        return "outcomes topic: " + e + "; ";
      }
    }

    /** Reads what is committed now; returns the number of outcomes so far. */
    long poll() throws IOException {
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
        JsonNode outcome = JSON.readTree(r.value());
        String key =
            outcome.path("outcome").asText()
                + (outcome.path("reason").isTextual() ? "/" + outcome.path("reason").asText() : "");
        counts.merge(key, 1L, Long::sum);
        total++;
      }
      return total;
    }

    Map<String, Long> counts() throws IOException {
      // Whatever a last checkpoint committed beyond the expected count shows up too.
      poll();
      return Map.copyOf(counts);
    }

    @Override
    public void close() {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }
}
