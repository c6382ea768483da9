package dev.cartrescue.local;

import dev.cartrescue.advisor.AdvisorOptions;
import dev.cartrescue.advisor.ChatwootConnector;
import dev.cartrescue.job.CartRescueJob;
import dev.cartrescue.job.config.CartRescueOptions;
import dev.cartrescue.job.config.OptionsDocs;
import dev.cartrescue.testkit.EmbeddedKafka;
import dev.cartrescue.testkit.chatwoot.ChatwootStandIn;
import dev.cartrescue.testkit.cloudapi.CloudApiSimulator;
import dev.cartrescue.testkit.cloudapi.WebhookScenario;
import dev.cartrescue.webhooks.ReceiverOptions;
import dev.cartrescue.webhooks.WebhookReceiver;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./cart-rescue demo}: the whole story on one machine with no outside service. A real Kafka
 * broker in this JVM, a Cloud API simulator standing in for Meta, shoppers clicking through a small
 * shop, the job itself on a MiniCluster with the Flink web UI, the webhook receiver, and the
 * Chatwoot connector writing hand-offs to a stand-in for Chatwoot (the advisor page), on a
 * compressed clock so that carts are abandoned within seconds. It prints a progress line every 5 s,
 * and at the end the contract's {@code demo summary:} line, counted from the outcomes topic.
 *
 * <p>Stopping (at the end of {@code --duration}, or on Ctrl-C) is orderly: the shoppers stop, the
 * simulator stops accepting messages, the outcomes of the messages it did accept are committed by
 * the next checkpoints, and only then is the job cancelled. So every message on the phone has its
 * {@code sent} outcome, and the summary adds up.
 */
public final class Demo implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Demo.class);

  static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
  static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(2);
  static final int PARTITIONS = 2;

  /** A made-up business phone number id, in the shape of Meta's. */
  static final String PHONE_NUMBER_ID = "106540352242922";

  /** The compressed clock: the contract's rule, minutes instead of hours and days. */
  private static final List<String> COMPRESSED_CLOCK =
      List.of(
          "--rule.abandon-after", "PT20S",
          "--rule.recent-purchase", "PT2M",
          "--rule.capping-period", "PT3M",
          "--rule.max-send-delay", "PT10M",
          "--watermark.out-of-orderness", "PT2S",
          "--watermark.idle-advance", "PT5S",
          "--checkpoint.interval", "PT" + CHECKPOINT_INTERVAL.toSeconds() + "S");

  private final DemoOptions options;
  private final PrintStream out;
  private final CountDownLatch stop;

  private EmbeddedKafka kafka;
  private CloudApiSimulator cloudApi;
  private Path tokenFile;
  private CartRescueOptions jobOptions;
  private JobClient job;
  private OutcomeTally tally;
  private WebhookReceiver webhooks;
  private ChatwootStandIn chatwoot;
  private ChatwootConnector advisor;
  private FailureInjector failures;
  private ShopperGenerator shoppers;
  private long startedNanos;

  private Demo(DemoOptions options, PrintStream out, CountDownLatch stop) {
    this.options = options;
    this.out = out;
    this.stop = stop;
  }

  public static void main(String[] args) {
    if (LocalRun.asksForHelp(args)) {
      System.out.print(help());
      return;
    }
    DemoOptions options;
    try {
      options = DemoOptions.parse(args);
    } catch (DemoOptions.InvalidOption e) {
      System.err.println("cart-rescue demo: " + e.getMessage());
      System.exit(2);
      return;
    }
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch finished = new CountDownLatch(1);
    AtomicBoolean ctrlC = new AtomicBoolean();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  ctrlC.set(true);
                  stop.countDown();
                  // The JVM ends when this hook returns: give the orderly stop its time.
                  awaitQuietly(finished, Duration.ofMinutes(1));
                },
                "demo-stop-on-ctrl-c"));
    int status = 0;
    DemoSummary summary = null;
    try {
      Demo demo = startOrNull(options, stop, ctrlC);
      if (demo == null) {
        // Stopped before the job ran: no cart was abandoned.
        summary = new DemoSummary(0, 0, 0, 0, Map.of(), 0, 0, 0, 0, 0);
      } else {
        try (demo) {
          summary = demo.run();
        }
      }
    } catch (Exception e) {
      // Not ERROR: the console shows errors, and this one has its line below.
      LOG.warn("The demo stopped on an error", e);
      System.err.println("cart-rescue demo: " + oneLine(e) + " (see .cart-rescue/logs/)");
      status = 1;
    } finally {
      if (summary != null) {
        System.out.println(summary.line());
      }
      System.out.flush();
      finished.countDown();
    }
    if (!ctrlC.get()) {
      // Flink and Kafka leave threads behind that would keep the JVM alive.
      System.exit(status);
    }
  }

  /** {@code ./cart-rescue demo --help}: every flag, its default and what it does. */
  static String help() {
    return String.join(
            "\n",
            "usage: ./cart-rescue demo [--duration 2m] [--key value ...]",
            "Runs everything locally (a Kafka broker, a Cloud API simulator, shoppers and the job) on",
            "a compressed clock, and ends with the demo summary line (docs/demo.md). The job's own",
            "options are the demo's; these are the flags it takes:",
            "",
            "")
        + OptionsDocs.help(DemoOptions.ALL, Set.of());
  }

  /** The started demo, or null when Ctrl-C came first (and perhaps broke the start). */
  private static Demo startOrNull(DemoOptions options, CountDownLatch stop, AtomicBoolean ctrlC)
      throws Exception {
    try {
      return start(options, System.out, stop);
    } catch (StoppedWhileStarting e) {
      return null;
    } catch (Exception | LinkageError e) {
      if (!ctrlC.get()) {
        throw e;
      }
      // Kafka and Flink register shutdown hooks as they start, which fails once the JVM stops.
      LOG.info("Ctrl-C while starting", e);
      return null;
    }
  }

  /**
   * Starts the broker, the simulator, the job and the shoppers, and prints where to look.
   *
   * @param stop counted down to stop the demo before its duration is over (Ctrl-C)
   * @throws StoppedWhileStarting when {@code stop} came before everything was started
   */
  static Demo start(DemoOptions options, PrintStream out, CountDownLatch stop) throws Exception {
    Demo demo = new Demo(options, out, stop);
    try {
      demo.startEverything();
      return demo;
    } catch (Exception | Error e) {
      try {
        demo.close();
      } catch (Exception closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  private void startEverything() throws Exception {
    wipe(options.checkpointDir());
    kafka = startBrokerQuietly();
    checkNotStopped();
    String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
    tokenFile = writeTokenFile(token);
    try {
      cloudApi = CloudApiSimulator.start(options.simulatorPort(), token);
    } catch (UncheckedIOException e) {
      throw portTaken(e, "the simulator's", options.simulatorPort(), "--simulator.port");
    }
    jobOptions = CartRescueOptions.parse(jobArguments());
    kafka.createTopics(
        PARTITIONS,
        jobOptions.clickstreamTopic,
        jobOptions.contactsTopic,
        jobOptions.cappingTopic,
        jobOptions.outcomesTopic,
        jobOptions.deadLetterTopic,
        jobOptions.webhooksTopic,
        jobOptions.deliveriesTopic,
        jobOptions.consentChangesTopic,
        jobOptions.handoffsTopic);

    awaitGroupCoordinator();
    checkNotStopped();
    String appSecret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    startAdvisor(appSecret);
    startWebhooks(appSecret);

    // The CRM's profiles and another system's capping events are there before anyone shops.
    Population population = Population.of(options.seed(), System.currentTimeMillis());
    for (KeyedRecord profile : population.profiles()) {
      kafka.send(jobOptions.contactsTopic, profile.key(), profile.value());
    }
    for (KeyedRecord capping : population.earlierCappings()) {
      kafka.send(jobOptions.cappingTopic, capping.key(), capping.value());
    }

    // Shoppers come in while the job starts: it reads what they did from the start of the topics.
    failures = FailureInjector.start(cloudApi, options.failureRate());
    String clickstream = jobOptions.clickstreamTopic;
    shoppers =
        ShopperGenerator.start(
            new ShopperSimulation(
                population.contacts(), options.shoppersPerSecond(), ~options.seed()),
            (record, timestamp) ->
                kafka.send(clickstream, record.key(), record.value(), timestamp));
    startedNanos = System.nanoTime();
    checkNotStopped();
    try {
      job = CartRescueJob.start(jobOptions, LocalRun.miniClusterConfiguration(options.webUiPort()));
    } catch (Exception e) {
      throw portTaken(e, "the Flink web UI's", options.webUiPort(), "--web-ui.port");
    }
    tally = new OutcomeTally(kafka.bootstrapServers(), jobOptions);
    printIntroduction(population);
  }

  /**
   * The advisors' side: a stand-in for Chatwoot with its WhatsApp inbox (the advisor page), and the
   * Chatwoot connector reading the job's hand-offs into it, as {@code ./cart-rescue advisor} does.
   */
  private void startAdvisor(String appSecret) throws Exception {
    String apiToken = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    try {
      chatwoot =
          ChatwootStandIn.builder()
              .port(options.advisorPagePort())
              .apiToken(apiToken)
              .businessPhoneNumber("+" + WebhookScenario.demo().displayPhoneNumber())
              .appSecret(appSecret)
              .start();
    } catch (UncheckedIOException e) {
      throw portTaken(e, "the advisor page's", options.advisorPagePort(), "--advisor-page.port");
    }
    advisor =
        ChatwootConnector.start(
            AdvisorOptions.of(
                Map.of(
                    "kafka.bootstrap-servers", kafka.bootstrapServers(),
                    "topic.handoffs", jobOptions.handoffsTopic,
                    "topic.dead-letter", jobOptions.deadLetterTopic,
                    "chatwoot.base-url", chatwoot.baseUrl(),
                    "chatwoot.account-id", String.valueOf(chatwoot.accountId()),
                    "chatwoot.inbox-id", String.valueOf(chatwoot.inboxId()),
                    "chatwoot.team-id", String.valueOf(chatwoot.teamId()),
                    "advisor.port", "0"),
                apiToken));
  }

  /**
   * The webhook receiver, on a free port, writing to the job's webhooks topic and forwarding each
   * notification to the advisor inbox; the simulator posts to it, signed, what Meta would for each
   * message it delivers (WebhookScenario.demo()), and the taps made on the phone page. An empty
   * notification in each partition first, as if Meta had posted one, so that the empty topic does
   * not hold event time back while the first messages are sent.
   */
  private void startWebhooks(String appSecret) {
    for (int partition = 0; partition < PARTITIONS; partition++) {
      kafka.send(
          jobOptions.webhooksTopic,
          "primer-" + partition,
          "{\"object\":\"whatsapp_business_account\",\"entry\":[]}");
    }
    webhooks =
        WebhookReceiver.start(
            ReceiverOptions.of(
                    Map.of(
                        "kafka.bootstrap-servers",
                        kafka.bootstrapServers(),
                        "webhooks.port",
                        "0",
                        "topic.webhooks",
                        jobOptions.webhooksTopic),
                    appSecret,
                    HexFormat.of().formatHex(new SecureRandom().generateSeed(16)))
                .withForwardUrl(URI.create(chatwoot.whatsAppWebhookUrl())));
    cloudApi.postWebhooksTo(webhooks.url(), appSecret);
  }

  /**
   * Has the broker create and load its consumer offsets topic now rather than when the job first
   * commits offsets: a broker stopped while it loads them (Ctrl-C in the first seconds) logs a wall
   * of errors on the console.
   */
  private void awaitGroupCoordinator() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin
          .listConsumerGroupOffsets(jobOptions.kafka.groupId())
          .partitionsToOffsetAndMetadata()
          .get(30, TimeUnit.SECONDS);
    }
  }

  private void checkNotStopped() throws StoppedWhileStarting {
    if (stop.getCount() == 0) {
      throw new StoppedWhileStarting();
    }
  }

  /** Ctrl-C before the job ran: nothing to wait for, everything started so far is closed. */
  static final class StoppedWhileStarting extends Exception {
    private static final long serialVersionUID = 1L;

    StoppedWhileStarting() {
      super("stopped while starting", null, false, false);
    }
  }

  private String[] jobArguments() {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--kafka.bootstrap-servers", kafka.bootstrapServers(),
                "--whatsapp.base-url", cloudApi.baseUrl(),
                "--whatsapp.phone-number-id", PHONE_NUMBER_ID,
                "--whatsapp.access-token-file", tokenFile.toString(),
                "--checkpoint.dir", options.checkpointDir().toAbsolutePath().toUri().toString(),
                "--parallelism", String.valueOf(PARTITIONS),
                "--web-ui.port", String.valueOf(options.webUiPort())));
    args.addAll(COMPRESSED_CLOCK);
    return args.toArray(String[]::new);
  }

  private void printIntroduction(Population population) {
    String webUi =
        options.webUiPort() > 0
            ? "http://localhost:" + options.webUiPort()
            : "(on a free port: --web-ui.port 0)";
    out.println(
        "cart-rescue demo: Kafka, a WhatsApp Cloud API simulator, "
            + population.contacts().size()
            + " shoppers and the job, on a compressed clock");
    out.println(
        "  Flink web UI  " + webUi + "  job graph; metrics: click an operator, Metrics tab");
    out.println(
        "  Phone         " + cloudApi.baseUrl() + "/  the messages the simulator delivered");
    out.println(
        "  Advisor page  "
            + chatwoot.baseUrl()
            + "/  the advisors' inbox (a Chatwoot stand-in): each hand-off with its cart");
    out.println(
        "  Webhooks      "
            + webhooks.url()
            + "  the receiver; the simulator posts Meta's statuses, STOPs, opt-outs and taps");
    out.println(
        "  Kafka         "
            + kafka.bootstrapServers()
            + "  in: "
            + String.join(
                ", ",
                jobOptions.clickstreamTopic,
                jobOptions.contactsTopic,
                jobOptions.cappingTopic)
            + ", "
            + jobOptions.webhooksTopic
            + "  out: "
            + String.join(
                ", ",
                jobOptions.outcomesTopic,
                jobOptions.deliveriesTopic,
                jobOptions.consentChangesTopic,
                jobOptions.handoffsTopic,
                jobOptions.deadLetterTopic));
    out.println(
        "  Clock         a cart is abandoned "
            + jobOptions.rule.abandonAfter().toSeconds()
            + " s after its last add_to_cart; a message caps the contact for "
            + jobOptions.rule.cappingPeriod().toMinutes()
            + " min");
    out.println(
        "  Shoppers      %s sessions/s, seed %d; the simulator fails %s%% of sends"
            .formatted(
                decimal(options.shoppersPerSecond()),
                options.seed(),
                decimal(options.failureRate() * 100)));
    out.println(
        (options.duration() == null
                ? "Running until Ctrl-C."
                : "Running for " + DemoSummary.clock(options.duration()) + " (Ctrl-C stops it).")
            + " The first carts are abandoned after about 25 s; docs/demo.md explains it all.");
  }

  /**
   * Runs until the duration is over or the stop signal comes, printing progress, then stops in
   * order (see the class comment) and returns the counts of the outcomes topic.
   */
  DemoSummary run() throws Exception {
    // The shop opened before the job started; the first line comes at the next round time.
    Duration nextProgress = PROGRESS_EVERY.multipliedBy(elapsed().dividedBy(PROGRESS_EVERY) + 1);
    while (stop.getCount() > 0) {
      Duration elapsed = elapsed();
      Duration untilEnd =
          options.duration() == null ? Duration.ofDays(1) : options.duration().minus(elapsed);
      Duration wait = min(nextProgress.minus(elapsed), untilEnd);
      if (!wait.isNegative() && stop.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        break;
      }
      elapsed = elapsed();
      if (elapsed.compareTo(nextProgress) >= 0) {
        out.println(tally.catchUp().progressLine(nextProgress));
        nextProgress = nextProgress.plus(PROGRESS_EVERY);
        checkStillRunning();
      }
      if (options.duration() != null && elapsed.compareTo(options.duration()) >= 0) {
        break;
      }
    }
    return stopInOrder();
  }

  private DemoSummary stopInOrder() throws Exception {
    out.println("Stopping: no more shoppers; committing the last outcomes, then the job stops.");
    LOG.info("Stopping the demo: shoppers, then Cloud API sends");
    shoppers.close();
    failures.close();
    // From now on the phone receives nothing: the job retries its sends until it is cancelled.
    cloudApi.startOutage();
    // Messages the phone got have their outcome committed by the next checkpoints.
    long from = System.nanoTime();
    DemoSummary summary;
    while (true) {
      summary = tally.catchUp();
      Duration waited = Duration.ofNanos(System.nanoTime() - from);
      boolean settled = summary.sent() == cloudApi.received().size();
      if (settled && waited.compareTo(CHECKPOINT_INTERVAL.multipliedBy(2)) >= 0) {
        break;
      }
      if (waited.compareTo(CHECKPOINT_INTERVAL.multipliedBy(10)) >= 0) {
        System.err.println(
            "cart-rescue demo: "
                + (cloudApi.received().size() - summary.sent())
                + " delivered message(s) have no committed outcome yet (is the job healthy?"
                + " see .cart-rescue/logs/)");
        break;
      }
      Thread.sleep(200);
    }
    LOG.info("Cancelling the job; {} message(s) delivered", cloudApi.received().size());
    job.cancel().get(30, TimeUnit.SECONDS);
    LOG.info("Job cancelled");
    tally.awaitNoOpenTransactions(CHECKPOINT_INTERVAL.multipliedBy(5));
    summary = tally.catchUp();
    if (tally.unreadableOutcomes() > 0) {
      System.err.println(
          "cart-rescue demo: " + tally.unreadableOutcomes() + " outcome(s) could not be read");
    }
    awaitAdvisorNotes(summary.handoffs());
    out.println(summary.progressLine(elapsed()));
    if (shoppers.failure() != null) {
      System.err.println(
          "cart-rescue demo: the shoppers stopped early: " + oneLine(shoppers.failure()));
    }
    return summary;
  }

  /** The advisor page shows every committed hand-off before the demo ends, or says why not. */
  private void awaitAdvisorNotes(long handoffs) throws InterruptedException {
    long deadline = System.nanoTime() + CHECKPOINT_INTERVAL.multipliedBy(10).toNanos();
    while (advisor.noted() + advisor.deadLettered() < handoffs) {
      if (System.nanoTime() - deadline > 0) {
        System.err.println(
            "cart-rescue demo: "
                + (handoffs - advisor.noted() - advisor.deadLettered())
                + " hand-off(s) have no note on the advisor page yet (see .cart-rescue/logs/)");
        return;
      }
      Thread.sleep(100);
    }
  }

  /** A job that failed or ended shows no more progress: say so rather than print zeros. */
  private void checkStillRunning() throws Exception {
    JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
    if (status.isGloballyTerminalState()) {
      throw new IllegalStateException("the job is " + status);
    }
    if (shoppers.failure() != null) {
      throw new IllegalStateException("the shoppers stopped: " + oneLine(shoppers.failure()));
    }
  }

  EmbeddedKafka kafka() {
    return kafka;
  }

  CloudApiSimulator cloudApi() {
    return cloudApi;
  }

  CartRescueOptions jobOptions() {
    return jobOptions;
  }

  ChatwootStandIn chatwoot() {
    return chatwoot;
  }

  ChatwootConnector advisor() {
    return advisor;
  }

  /** Stops whatever is still running, the broker last. */
  @Override
  public void close() throws IOException {
    LOG.info("Closing the demo");
    IOException failure = null;
    for (AutoCloseable step :
        List.<AutoCloseable>of(
            () -> closeIfStarted(shoppers),
            () -> closeIfStarted(failures),
            () -> {
              if (job != null) {
                LocalRun.cancelQuietly(job);
              }
            },
            () -> closeIfStarted(tally),
            () -> closeIfStarted(cloudApi),
            () -> closeIfStarted(webhooks),
            () -> closeIfStarted(advisor),
            () -> closeIfStarted(chatwoot),
            () -> closeIfStarted(kafka),
            () -> {
              if (tokenFile != null) {
                Files.deleteIfExists(tokenFile);
              }
            })) {
      try {
        step.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IOException("the demo did not close cleanly", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    LOG.info("Demo closed");
    if (failure != null) {
      throw failure;
    }
  }

  private static void closeIfStarted(AutoCloseable part) throws Exception {
    if (part != null) {
      part.close();
    }
  }

  private Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  /**
   * The broker's test kit prints its storage formatting to standard output; the demo's console is
   * for the user, so those lines go nowhere.
   */
  private static EmbeddedKafka startBrokerQuietly() {
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    try {
      return EmbeddedKafka.start();
    } finally {
      System.setOut(stdout);
    }
  }

  /** Readable by its owner only: the token never shows in arguments, logs or the web UI. */
  private static Path writeTokenFile(String token) throws IOException {
    Path file;
    try {
      file =
          Files.createTempFile(
              "cart-rescue-demo-token-",
              "",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      file = Files.createTempFile("cart-rescue-demo-token-", "");
    }
    file.toFile().deleteOnExit();
    return Files.writeString(file, token);
  }

  /** Checkpoints of an earlier demo belong to a broker that is gone. */
  private static void wipe(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** A clear line for the usual reason a start fails: another program has the port. */
  private static Exception portTaken(Exception failure, String whose, int port, String option) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof BindException) {
        return new IllegalStateException(
            whose + " port " + port + " is taken (" + option + " to choose another)", failure);
      }
    }
    return failure;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static String decimal(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
  }

  private static String oneLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getMessage() == null) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  private static void awaitQuietly(CountDownLatch latch, Duration timeout) {
    try {
      latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
