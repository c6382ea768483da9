package dev.cartrescue.local;

import dev.cartrescue.job.Version;
import java.util.Arrays;

/** {@code ./cart-rescue run|demo|bench|webhooks|advisor [options]}: the job on this machine. */
public final class CartRescueCli {
  private CartRescueCli() {}

  public static void main(String[] args) throws Exception {
    String command = args.length == 0 ? "help" : args[0];
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    switch (command) {
      case "run" -> LocalRun.main(rest);
      case "demo" -> Demo.main(rest);
      case "bench" -> dev.cartrescue.local.bench.Bench.main(rest);
      case "webhooks" -> dev.cartrescue.webhooks.WebhooksMain.main(rest);
      case "advisor" -> dev.cartrescue.advisor.AdvisorMain.main(rest);
      case "help", "--help", "-h" -> System.out.println(usage());
      case "version", "--version" -> System.out.println(Version.describe());
      default -> {
        System.err.println("cart-rescue: unknown command '" + command + "'\n" + usage());
        System.exit(2);
      }
    }
  }

  static String usage() {
    return String.join(
        "\n",
        "usage: ./cart-rescue run [--config FILE] [--key value ...]",
        "         runs the job on an embedded Flink with the web UI on http://localhost:8081",
        "       ./cart-rescue demo [--duration 2m]",
        "         runs everything locally: Kafka, a Cloud API simulator, shoppers and the job",
        "       ./cart-rescue bench [--contacts N] [--events N] [--mix worst|realistic] [--rounds N]",
        "         measures the job against a pass-through job on a local broker (bench --help)",
        "       ./cart-rescue webhooks --kafka.bootstrap-servers HOST:PORT [--key value ...]",
        "         receives Meta's WhatsApp webhooks and writes them to Kafka (webhooks --help)",
        "       ./cart-rescue advisor --kafka.bootstrap-servers HOST:PORT --chatwoot.base-url URL ...",
        "         turns the job's advisor hand-offs into Chatwoot conversations (advisor --help)",
        "       ./cart-rescue --version",
        "         prints the version",
        "run --help and demo --help list their options (the job's: docs/contract.md, section 5).");
  }
}
