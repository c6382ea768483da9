package dev.cartrescue.job.config;

import java.util.Collection;
import java.util.Optional;

/**
 * The known key a mistyped one was meant to be, for "did you mean" hints: the nearest by
 * Damerau-Levenshtein distance (optimal string alignment: insertions, deletions, substitutions and
 * swaps of two neighbouring characters each count one), when it is near enough to be a typo rather
 * than another word.
 */
public final class NearestKey {
  private NearestKey() {}

  /**
   * @return the known key nearest to {@code unknown} (the first of equals, in {@code known}'s
   *     order), if at most a third of {@code unknown}'s length away, and at most 2 for short keys
   */
  public static Optional<String> to(String unknown, Collection<String> known) {
    int allowed = Math.max(2, unknown.length() / 3);
    String nearest = null;
    int best = Integer.MAX_VALUE;
    for (String key : known) {
      int d = distance(unknown, key);
      if (d < best) {
        best = d;
        nearest = key;
      }
    }
    return best <= allowed ? Optional.ofNullable(nearest) : Optional.empty();
  }

  /** The optimal string alignment distance between {@code a} and {@code b}. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
