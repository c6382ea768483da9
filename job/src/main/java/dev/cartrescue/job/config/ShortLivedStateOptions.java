package dev.cartrescue.job.config;

import java.util.Collection;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.state.rocksdb.ConfigurableRocksDBOptionsFactory;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptionsFactory;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;

/**
 * RocksDB column options for state that is deleted soon after it is written, which is what the CEP
 * operator's map states are: it writes an entry for every event and removes it again within the
 * same timer (docs/benchmarks.md, "Where the time went").
 *
 * <p>Flink's RocksDB map state seeks without an upper bound, so asking whether an emptied map is
 * empty walks every deleted entry after it, up to the next live one, until a compaction drops them.
 * With RocksDB's defaults (64 MB memtables, a 256 MB first level) that is hundreds of thousands of
 * deleted entries per seek. Small memtables flush after a few thousand entries, and a dynamically
 * sized, small first level compacts them away soon, so a seek walks at most about a memtable's
 * worth. Long-lived state (the eligibility function's) pays a few more, smaller compactions.
 *
 * <p>Flink's own options, when set ({@code state.backend.rocksdb.writebuffer.size}, {@code
 * ...compaction.level.max-size-level-base}, {@code ...compaction.level.target-file-size-base},
 * {@code ...compaction.level.use-dynamic-size}), win over these.
 */
public final class ShortLivedStateOptions implements ConfigurableRocksDBOptionsFactory {
  private static final long serialVersionUID = 1L;

  static final MemorySize WRITE_BUFFER = MemorySize.parse("64kb");
  static final MemorySize FIRST_LEVEL = MemorySize.parse("4mb");
  static final MemorySize FILE_SIZE = MemorySize.parse("2mb");

  private boolean ownWriteBuffer = true;
  private boolean ownLevels = true;

  @Override
  public RocksDBOptionsFactory configure(ReadableConfig configuration) {
    ownWriteBuffer =
        configuration.getOptional(RocksDBConfigurableOptions.WRITE_BUFFER_SIZE).isEmpty();
    ownLevels =
        configuration.getOptional(RocksDBConfigurableOptions.MAX_SIZE_LEVEL_BASE).isEmpty()
            && configuration.getOptional(RocksDBConfigurableOptions.TARGET_FILE_SIZE_BASE).isEmpty()
            && configuration
                .getOptional(RocksDBConfigurableOptions.USE_DYNAMIC_LEVEL_SIZE)
                .isEmpty();
    return this;
  }

  @Override
  public DBOptions createDBOptions(DBOptions current, Collection<AutoCloseable> handlesToClose) {
    return current;
  }

  @Override
  public ColumnFamilyOptions createColumnOptions(
      ColumnFamilyOptions current, Collection<AutoCloseable> handlesToClose) {
    if (ownWriteBuffer) {
      current.setWriteBufferSize(WRITE_BUFFER.getBytes());
    }
    if (ownLevels) {
      current
          .setLevelCompactionDynamicLevelBytes(true)
          .setMaxBytesForLevelBase(FIRST_LEVEL.getBytes())
          .setTargetFileSizeBase(FILE_SIZE.getBytes());
    }
    return current;
  }
}
