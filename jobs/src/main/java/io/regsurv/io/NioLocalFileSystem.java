package io.regsurv.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system ({@code file:}) without a child process per call. Without Hadoop's
 * native library, which Spark does not ship, {@link RawLocalFileSystem} runs {@code chmod} for every
 * file and folder it creates (each data file, its checksum file, each Delta commit) and
 * {@code readlink} for every {@code FileContext} rename (how Delta commits on a local disk): a fork
 * and exec of a few milliseconds of CPU each, on the thread that waits for it. A small test class
 * (ReportJobTest) started 1,222 such processes. This class does the same two things in the JVM,
 * through {@code java.nio}; everything else is Hadoop's. Set for local masters only
 * ({@link HadoopConf#LOCAL_FILE_SYSTEM}): on a cluster the executors' class path is the cluster's
 * business, and its data are on HDFS or S3.
 */
public final class NioLocalFileSystem extends LocalFileSystem {
  public NioLocalFileSystem() {
    super(new Raw());
  }

  /** {@link RawLocalFileSystem} with {@code chmod} and the symbolic-link check done in the JVM. */
  public static final class Raw extends RawLocalFileSystem {
    /**
     * The permission bits through {@code java.nio}, as {@code chmod} sets them; a mode with more than
     * the nine permission bits (sticky, set-id), or a file system without POSIX permissions, still
     * goes to Hadoop's {@code chmod}.
     */
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      if ((permission.toShort() & ~0777) != 0) {
        super.setPermission(p, permission);
        return;
      }
      try {
        // FsPermission prints the nine bits as ls does ("rw-r--r--"), the form java.nio parses.
        Files.setPosixFilePermissions(pathToFile(p).toPath(), PosixFilePermissions.fromString(permission.toString()));
      } catch (UnsupportedOperationException e) {
        super.setPermission(p, permission);
      }
    }

    /**
     * A path that is not a symbolic link (the usual case) has its own status, which is what Hadoop
     * returns after its {@code readlink} finds no target; a link still goes to Hadoop.
     */
    @Override
    public FileStatus getFileLinkStatus(Path f) throws IOException {
      if (!Files.isSymbolicLink(pathToFile(f).toPath())) {
        return getFileStatus(f);
      }
      return super.getFileLinkStatus(f);
    }
  }
}
