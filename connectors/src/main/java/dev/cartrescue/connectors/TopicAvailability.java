package dev.cartrescue.connectors;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Kafka can serve a topic right now: the cluster answered within the last {@link
 * #CONFIRMED_FOR} and every partition of the topic had a leader.
 *
 * <p>A partition that gets no records looks the same whether the shop is quiet or Kafka is down; in
 * the second case the producers are holding records back, and a watermark that followed the wall
 * clock meanwhile would make all of them late (see {@link InputWatermarkGenerator}). So quiet only
 * counts while the topic is confirmed available.
 *
 * <p>One checker per Kafka cluster (client settings) and job class loader asks for the metadata of
 * every topic in use, every {@link #CHECK_EVERY}, shared by all partitions' watermark generators of
 * the job on a TaskManager. It stops, and lets go of its Kafka client, once no generator has asked
 * for {@link #UNUSED_FOR} (a cancelled job), or when it fails in an unexpected way (a class loader
 * closed by a failover under it: Kafka loads classes through the thread's context class loader);
 * the next question starts a new one, from the asking task's thread.
 */
final class TopicAvailability {
  static final Duration CHECK_EVERY = Duration.ofMillis(500);
  static final Duration CONFIRMED_FOR = Duration.ofMillis(1500);
  static final Duration UNUSED_FOR = Duration.ofMinutes(1);

  private static final Logger LOG = LoggerFactory.getLogger(TopicAvailability.class);
  private static final Map<Key, TopicAvailability> CHECKERS = new ConcurrentHashMap<>();

  /** The cluster, and the class loader of the job whose tasks ask (identity). */
  private record Key(KafkaSettings settings, ClassLoader loader) {}

  private final Key key;
  private final KafkaSettings settings;
  private final Set<String> topics = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> confirmedAtNanos = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler;
  private volatile long lastAskedNanos = System.nanoTime();
  private Admin admin; // only the scheduler thread touches it

  private TopicAvailability(Key key) {
    this.key = key;
    this.settings = key.settings();
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "kafka-topic-availability");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Whether {@code topic} of the cluster {@code settings} name is available now. */
  static BooleanSupplier of(KafkaSettings settings, String topic) {
    return () -> checker(settings, topic).isAvailable(topic);
  }

  private static TopicAvailability checker(KafkaSettings settings, String topic) {
    Key key = new Key(settings, Thread.currentThread().getContextClassLoader());
    TopicAvailability checker =
        CHECKERS.computeIfAbsent(
            key,
            s -> {
              TopicAvailability created = new TopicAvailability(s);
              created.scheduler.scheduleWithFixedDelay(
                  created::check, 0, CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
              return created;
            });
    checker.topics.add(topic);
    return checker;
  }

  private boolean isAvailable(String topic) {
    long now = System.nanoTime();
    lastAskedNanos = now;
    Long confirmed = confirmedAtNanos.get(topic);
    return confirmed != null && now - confirmed <= CONFIRMED_FOR.toNanos();
  }

  private void check() {
    if (System.nanoTime() - lastAskedNanos > UNUSED_FOR.toNanos()) {
      stop();
      return;
    }
    List<String> asked = List.copyOf(topics);
    if (asked.isEmpty()) {
      return;
    }
    try {
      long started = System.nanoTime();
      Map<String, TopicDescription> descriptions =
          admin()
              .describeTopics(
                  asked, new DescribeTopicsOptions().timeoutMs((int) CONFIRMED_FOR.toMillis()))
              .allTopicNames()
              .get(CONFIRMED_FOR.toMillis(), TimeUnit.MILLISECONDS);
      for (TopicDescription description : descriptions.values()) {
        if (description.partitions().stream().allMatch(TopicAvailability::hasLeader)) {
          // When the question was asked: the answer says the topic was available then.
          confirmedAtNanos.put(description.name(), started);
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      // Not confirmed: the topics count as unavailable once their last confirmation is too old.
      // The next check starts from the bootstrap servers again, with a fresh client.
      closeAdmin();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | LinkageError e) {
      // Unconfirmed from now on; the next question starts a new checker.
      LOG.warn("Kafka topic availability check failed, starting again: {}", e.toString());
      stop();
    }
  }

  private static boolean hasLeader(TopicPartitionInfo partition) {
    Node leader = partition.leader();
    return leader != null && !leader.isEmpty();
  }

  private Admin admin() {
    if (admin == null) {
      var props = settings.clientProperties();
      props.put(AdminClientConfig.CLIENT_ID_CONFIG, settings.groupId() + "-topic-availability");
      // Kafka 4's default (rebootstrap) spins while no broker answers; a failed check starts a
      // new client instead.
      props.put(AdminClientConfig.METADATA_RECOVERY_STRATEGY_CONFIG, "none");
      admin = Admin.create(props);
    }
    return admin;
  }

  private void stop() {
    CHECKERS.remove(key, this);
    closeAdmin();
    scheduler.shutdown();
  }

  private void closeAdmin() {
    if (admin != null) {
      admin.close(Duration.ZERO);
      admin = null;
    }
  }
}
