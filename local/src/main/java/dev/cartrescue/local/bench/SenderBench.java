package dev.cartrescue.local.bench;

import dev.cartrescue.local.bench.Bench.OutcomeCounter;
import dev.cartrescue.local.bench.Bench.Rig;
import dev.cartrescue.local.bench.BenchData.Made;
import dev.cartrescue.local.bench.FlinkRest.Vertex;
import dev.cartrescue.testkit.cloudapi.ReceivedRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code ./cart-rescue bench --measure sender}: how many messages a second the full job gets
 * through to the Cloud API simulator under {@code whatsapp.rate-limit}, whether it ever goes faster
 * than the limit, and how long after its deadline each cart's message arrives.
 *
 * <p>Input, written before the job starts (not measured): for each contact a consenting profile
 * with a valid number and one add_to_cart ({@link BenchData#carts}), so that every contact has
 * exactly one abandoned cart, to be sent. The deadlines are {@code --rate-limit} a second for
 * {@code --send-for}, the first {@link #lead} after the input is written: they fall during the run,
 * far from stale ({@code rule.max-send-delay}), and the offered rate is the limit. The simulator
 * answers after {@code --latency} and refuses with 130429 a message beyond {@code --rate-limit} in
 * one second, as Meta limits a business number.
 *
 * <p>Event time. Nothing is written during the run: once read, the inputs are quiet and their
 * watermarks follow the wall clock ({@code watermark.idle-advance}, {@code --idle-advance}) less
 * {@code watermark.out-of-orderness} (10 s), and the abandonment pattern sees event time in steps
 * (10 s for an hour's abandon-after). So event time reaches a deadline 10 to 20 s after it, as in a
 * live store; that part of each delay is measured on its own, from the eligibility function's input
 * watermark.
 */
final class SenderBench {
  /** The Cloud API's error code for a business number's throughput limit. */
  static final int THROUGHPUT_LIMITED = 130429;

  /** The operator that decides at the deadline (CartRescueTopology names it). */
  private static final String ELIGIBILITY = "eligibility at the deadline";

  private static final String WATERMARK = "currentInputWatermark";
  private static final Duration BUCKET = Duration.ofSeconds(10);

  /** How long before the first deadline the job's idle CPU is measured. */
  private static final Duration BEFORE = Duration.ofSeconds(30);

  /** Delays in milliseconds: the median, the 99th percentile (nearest rank) and the largest. */
  record Latencies(long p50, long p99, long max) {
    static Latencies of(List<Long> millis) {
      List<Long> sorted = millis.stream().sorted().toList();
      return new Latencies(percentile(sorted, 50), percentile(sorted, 99), percentile(sorted, 100));
    }

    /** The nearest-rank percentile of sorted values: the (p n / 100, rounded up)th; 0 for none. */
    static long percentile(List<Long> sorted, int p) {
      if (sorted.isEmpty()) {
        return 0;
      }
      long rank = ((long) p * sorted.size() + 99) / 100;
      return sorted.get((int) Math.max(rank, 1) - 1);
    }

    String describe() {
      return "p50 %d ms, p99 %d ms, max %d ms".formatted(p50, p99, max);
    }
  }

  /**
   * One look at the running job, with every poll of {@link JobRun}.
   *
   * @param watermark the eligibility function's input watermark; Long.MIN_VALUE before it has one
   * @param cpuNanos the bench JVM's CPU time ({@link JobRun#cpuNanos})
   */
  record Sample(long wallMillis, long watermark, long cpuNanos) {}

  /**
   * What the simulator saw.
   *
   * @param sent the messages it accepted
   * @param achievedPerSecond accepted messages a second, from 10% to 90% of them
   * @param throughputErrors the requests it refused with {@value #THROUGHPUT_LIMITED}
   * @param otherErrors the requests it refused otherwise
   * @param perBucket accepted messages in each {@link #BUCKET} from the first one
   * @param coresBefore the bench JVM's CPU time over wall-clock time in the {@link #BEFORE} before
   *     the first deadline: the job with every cart open and nothing due, and the bench's polling
   * @param coresSending the same from the first accepted message to the last
   * @param fromDeadline from each accepted message's deadline to its arrival
   * @param eventTime from each accepted message's deadline to the moment the eligibility function's
   *     event time was seen to pass it
   * @param afterEventTime from that moment to the message's arrival
   */
  record Figures(
      long sent,
      double achievedPerSecond,
      long throughputErrors,
      long otherErrors,
      List<Long> perBucket,
      double coresBefore,
      double coresSending,
      Latencies fromDeadline,
      Latencies eventTime,
      Latencies afterEventTime) {

    /**
     * @param deadlines the deadline of each number's cart
     * @param samples the job's, in time order
     */
    static Figures of(
        List<ReceivedRequest> requests, Map<String, Long> deadlines, List<Sample> samples) {
      List<Long> arrivals = new ArrayList<>();
      List<Long> fromDeadline = new ArrayList<>();
      List<Long> eventTime = new ArrayList<>();
      List<Long> afterEventTime = new ArrayList<>();
      long firstDeadline = deadlines.values().stream().mapToLong(Long::longValue).min().orElse(0);
      long throughputErrors = 0;
      long otherErrors = 0;
      for (ReceivedRequest r : requests) {
        if (r.status() != 200) {
          if (r.errorCode() != null && r.errorCode() == THROUGHPUT_LIMITED) {
            throughputErrors++;
          } else {
            otherErrors++;
          }
          continue;
        }
        long at = r.at().toEpochMilli();
        arrivals.add(at);
        Long deadline = deadlines.get(r.body().path("to").asText());
        if (deadline == null) {
          continue;
        }
        fromDeadline.add(at - deadline);
        long reached = reached(samples, deadline);
        if (reached != Long.MIN_VALUE) {
          eventTime.add(reached - deadline);
          afterEventTime.add(at - reached);
        }
      }
      return new Figures(
          arrivals.size(),
          perSecond(arrivals),
          throughputErrors,
          otherErrors,
          perBucket(arrivals),
          cores(samples, firstDeadline - BEFORE.toMillis(), firstDeadline),
          arrivals.isEmpty()
              ? 0
              : cores(samples, arrivals.get(0), arrivals.get(arrivals.size() - 1)),
          Latencies.of(fromDeadline),
          Latencies.of(eventTime),
          Latencies.of(afterEventTime));
    }

    /** The steady rate of arrivals (epoch ms, in order), as {@link JobRun#steady} takes it. */
    static double perSecond(List<Long> arrivals) {
      if (arrivals.size() < 2) {
        return arrivals.size();
      }
      long first = arrivals.get(0);
      List<long[]> samples = new ArrayList<>();
      for (int i = 0; i < arrivals.size(); i++) {
        samples.add(new long[] {(arrivals.get(i) - first) * 1_000_000, i + 1});
      }
      double span = Math.max(1, arrivals.get(arrivals.size() - 1) - first) / 1000.0;
      return JobRun.steady(samples, arrivals.size(), arrivals.size() / span);
    }

    /** When the watermark was first seen at or past {@code time}; Long.MIN_VALUE if never. */
    static long reached(List<Sample> samples, long time) {
      for (Sample sample : samples) {
        if (sample.watermark() >= time) {
          return sample.wallMillis();
        }
      }
      return Long.MIN_VALUE;
    }

    /**
     * The bench JVM's CPU over wall-clock time from the last sample at or before {@code from} to
     * the first at or after {@code to}; 0 without such samples.
     */
    static double cores(List<Sample> samples, long from, long to) {
      Sample before = null;
      Sample after = null;
      for (Sample sample : samples) {
        if (sample.wallMillis() <= from) {
          before = sample;
        }
        if (after == null && sample.wallMillis() >= to) {
          after = sample;
        }
      }
      if (before == null || after == null || after.wallMillis() == before.wallMillis()) {
        return 0;
      }
      return (after.cpuNanos() - before.cpuNanos())
          / 1e6
          / (after.wallMillis() - before.wallMillis());
    }

    private static List<Long> perBucket(List<Long> arrivals) {
      List<Long> counts = new ArrayList<>();
      for (long at : arrivals) {
        int bucket = (int) ((at - arrivals.get(0)) / BUCKET.toMillis());
        while (counts.size() <= bucket) {
          counts.add(0L);
        }
        counts.set(bucket, counts.get(bucket) + 1);
      }
      return counts;
    }
  }

  /** The sender's bench. */
  record Report(BenchOptions options, Map<String, Long> outcomes, Figures figures)
      implements Bench.Findings {

    /** Every cart was sent, each message accepted once, and never one too fast. */
    @Override
    public boolean outcomesAsExpected() {
      return outcomes.equals(Map.of("sent", (long) options.carts()))
          && figures.sent() == options.carts()
          && figures.throughputErrors() == 0;
    }

    @Override
    public String expectedOutcomes() {
      return options.carts()
          + " carts the generator made (all sent, each message accepted once, no "
          + THROUGHPUT_LIMITED
          + ")";
    }

    @Override
    public String lastLine() {
      Latencies l = figures.fromDeadline();
      return String.format(
          Locale.ROOT,
          "bench: sender rate_limit=%d latency_ms=%d sent=%d achieved_mps=%d err_%d=%d p50_ms=%d"
              + " p99_ms=%d max_ms=%d",
          options.rateLimit(),
          options.latency().toMillis(),
          figures.sent(),
          Math.round(figures.achievedPerSecond()),
          THROUGHPUT_LIMITED,
          figures.throughputErrors(),
          l.p50(),
          l.p99(),
          l.max());
    }
  }

  private SenderBench() {}

  /**
   * Before the first deadline: the job's launch (up to 55 s seen on a loaded machine), the 30 s a
   * partition without any record yet (the capping topic's) waits before it follows the clock
   * ({@code InputWatermarkGenerator}), or the idle advance if longer, and a margin.
   */
  static Duration lead(BenchOptions o) {
    return Duration.ofSeconds(120).plus(o.idleAdvance());
  }

  static Report run(BenchOptions o, PrintStream out) throws Exception {
    out.printf(
        "bench: sender at whatsapp.rate-limit %d: %d carts due %d a second, the first %s"
            + " after the input is written;"
            + " the simulator answers after %d ms and refuses more than %d a second (%d);"
            + " watermark.idle-advance %s; broker in a process of its own%n",
        o.rateLimit(),
        o.carts(),
        o.duePerSecond(),
        lead(o),
        o.latency().toMillis(),
        o.rateLimit(),
        THROUGHPUT_LIMITED,
        o.idleAdvance());
    return Bench.onRig(o, rig -> measure(rig, out));
  }

  private static Report measure(Rig rig, PrintStream out) throws Exception {
    BenchOptions o = rig.options();
    rig.cloudApi().limitThroughput(o.rateLimit());
    String outcomesTopic = "bench-outcomes-sender";
    String deadLetters = "bench-dead-letters-sender";
    Bench.createTopics(rig.bootstrap(), outcomesTopic, deadLetters);
    long started = System.nanoTime();
    long firstDeadline = System.currentTimeMillis() + lead(o).toMillis();
    Map<String, Long> deadlines = new HashMap<>();
    Made made = fill(rig.bootstrap(), o, firstDeadline, deadlines);
    out.printf(
        "bench: generated %d add_to_cart (one abandoned cart per contact, due from %s to %s) and"
            + " %d profiles in %.1f s (not measured)%n",
        made.addToCarts(),
        Instant.ofEpochMilli(firstDeadline),
        Instant.ofEpochMilli(BenchData.deadline(firstDeadline, o.carts() - 1, o.duePerSecond())),
        o.carts(),
        (System.nanoTime() - started) / 1e9);
    List<Sample> samples = new ArrayList<>();
    JobRun.Result run;
    Map<String, Long> outcomes;
    try (OutcomeCounter counter = new OutcomeCounter(rig.bootstrap(), outcomesTopic)) {
      JobRun.Completion allOutcomes =
          new JobRun.Completion(
              (rest, vertices) -> {
                samples.add(sample(rest, vertices));
                return counter.poll();
              },
              o.carts(),
              // Nothing comes out before the first deadline.
              JobRun.STALL.plus(lead(o)));
      try {
        run =
            Bench.profiled(
                o.profile(),
                out,
                () ->
                    Bench.fullJob(
                        rig,
                        "sender",
                        made.clickEvents(),
                        o.carts(),
                        outcomesTopic,
                        deadLetters,
                        allOutcomes,
                        "--whatsapp.rate-limit",
                        String.valueOf(o.rateLimit()),
                        "--watermark.idle-advance",
                        o.idleAdvance().toString()));
      } catch (IllegalStateException stalled) {
        Sample last =
            samples.isEmpty() ? new Sample(0, Long.MIN_VALUE, 0) : samples.get(samples.size() - 1);
        out.printf(
            "bench: sender stopped: the simulator had accepted %d messages; the eligibility"
                + " function's event time was %s at %s%n",
            rig.cloudApi().received().size(),
            last.watermark() == Long.MIN_VALUE ? "none" : Instant.ofEpochMilli(last.watermark()),
            Instant.ofEpochMilli(last.wallMillis()));
        throw stalled;
      }
      outcomes = counter.counts();
    }
    Figures figures = Figures.of(rig.cloudApi().requests(), deadlines, samples);
    out.printf(
        Locale.ROOT,
        "bench: sender job done after %.1f s (first record after %.1f s); %.1f CPU s (bench JVM),"
            + " broker %.1f CPU s; checkpoints %s ms%n",
        run.doneSeconds(),
        run.launchSeconds(),
        run.cpuSecondsToDone(),
        run.brokerCpuSeconds(),
        run.checkpointMillis());
    out.printf(
        "bench: sender outcomes %s, against %d carts made (expected all sent)%n",
        outcomes, o.carts());
    out.printf(
        Locale.ROOT,
        "bench: sender %d accepted (%.1f a second from 10%% to 90%% of them; per %d s: %s;"
            + " the bench JVM used %.2f cores meanwhile, %.2f in the %d s before the first"
            + " deadline), %d refused with %d, %d refused otherwise%n",
        figures.sent(),
        figures.achievedPerSecond(),
        BUCKET.toSeconds(),
        figures.perBucket(),
        figures.coresSending(),
        figures.coresBefore(),
        BEFORE.toSeconds(),
        figures.throughputErrors(),
        THROUGHPUT_LIMITED,
        figures.otherErrors());
    out.println(
        "bench: sender event time passed each deadline after "
            + figures.eventTime().describe()
            + " (the eligibility function's input watermark, read every second or so: up to"
            + " about 1 s late); from then to the request "
            + figures.afterEventTime().describe());
    out.println("bench: sender from deadline to request " + figures.fromDeadline().describe());
    return new Report(o, outcomes, figures);
  }

  /**
   * The profiles, then the clickstream in timestamp order; fills {@code deadlines} with the
   * deadline of each number the job is to message.
   */
  private static Made fill(
      String bootstrap, BenchOptions o, long firstDeadline, Map<String, Long> deadlines)
      throws Exception {
    try (KafkaProducer<String, String> producer = Bench.producer(bootstrap)) {
      long profileTime = firstDeadline - Duration.ofDays(1).toMillis();
      for (int i = 0; i < o.carts(); i++) {
        producer.send(
            new ProducerRecord<>(
                Bench.CONTACTS,
                null,
                profileTime,
                BenchData.contactId(i),
                BenchData.profile(i, profileTime)));
        deadlines.put(
            BenchData.phoneE164(i), BenchData.deadline(firstDeadline, i, o.duePerSecond()));
      }
      Made made =
          BenchData.carts(
              o.carts(),
              firstDeadline,
              o.duePerSecond(),
              (contact, timestamp, json) ->
                  producer.send(
                      new ProducerRecord<>(Bench.CLICKSTREAM, null, timestamp, contact, json)));
      producer.flush();
      return made;
    }
  }

  /** Now, the eligibility function's input watermark (the least of its subtasks'), the CPU. */
  private static Sample sample(FlinkRest rest, List<Vertex> vertices)
      throws IOException, InterruptedException {
    long now = System.currentTimeMillis();
    long cpu = JobRun.cpuNanos();
    for (Vertex v : vertices) {
      if (v.name().startsWith(ELIGIBILITY)) {
        Double watermark = rest.metrics(v, "min", List.of(WATERMARK)).get(WATERMARK);
        if (watermark != null) {
          return new Sample(now, watermark.longValue(), cpu);
        }
      }
    }
    return new Sample(now, Long.MIN_VALUE, cpu);
  }
}
