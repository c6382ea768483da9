package dev.cartrescue.job.config;

import java.io.IOException;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/** Where to restore from: a given checkpoint or savepoint, or the newest retained checkpoint. */
public final class RestorePoint {
  public static final String LATEST = "latest";

  private RestorePoint() {}

  /**
   * @param checkpointDir the job's checkpoint directory, null when neither its option nor the
   *     cluster names one
   * @return the path to restore from; {@code latest} becomes the newest completed checkpoint
   *     ({@code <dir>/<job-id>/chk-<n>} holding {@code _metadata}) under the checkpoint dir
   */
  public static String resolve(String restoreFrom, String checkpointDir) {
    if (!LATEST.equalsIgnoreCase(restoreFrom)) {
      return restoreFrom;
    }
    if (checkpointDir == null) {
      throw new OptionsException(
          "option --restore-from latest needs --checkpoint.dir or the cluster's"
              + " execution.checkpointing.dir");
    }
    try {
      Path root = new Path(checkpointDir);
      FileSystem fs = root.getFileSystem();
      Path newest = null;
      long newestTime = Long.MIN_VALUE;
      for (FileStatus job : listOrEmpty(fs, root)) {
        for (FileStatus checkpoint : listOrEmpty(fs, job.getPath())) {
          if (!checkpoint.getPath().getName().startsWith("chk-")) {
            continue;
          }
          Path metadata = new Path(checkpoint.getPath(), "_metadata");
          if (fs.exists(metadata)) {
            long time = fs.getFileStatus(metadata).getModificationTime();
            if (time > newestTime) {
              newestTime = time;
              newest = checkpoint.getPath();
            }
          }
        }
      }
      if (newest == null) {
        throw new OptionsException(
            "option --restore-from latest: no completed checkpoint under " + checkpointDir);
      }
      return newest.toString();
    } catch (IOException e) {
      throw new OptionsException(
          "option --restore-from latest: cannot read " + checkpointDir + ": " + e.getMessage());
    }
  }

  private static FileStatus[] listOrEmpty(FileSystem fs, Path dir) throws IOException {
    if (!fs.exists(dir)) {
      return new FileStatus[0];
    }
    FileStatus[] children = fs.listStatus(dir);
    return children == null ? new FileStatus[0] : children;
  }
}
