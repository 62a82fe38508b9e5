package org.fleetj.fleetd.api;

import org.fleetj.unit.GoQuote;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The unix socket file of the API: clearing a stale one before binding, then mode and group after. */
final class UnixSocketFile {
    private static final Logger LOG = LoggerFactory.getLogger(UnixSocketFile.class);
    /** sockaddr_un's sun_path: 108 bytes including the terminating NUL. */
    static final int MAX_PATH_BYTES = 107;
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private UnixSocketFile() {
    }

    /**
     * Makes {@code path} free to bind: creates missing parent directories, removes a socket file nobody
     * listens on (left by a fleetd that died), and refuses when something listens there or the path is
     * not a socket.
     */
    static void prepare(Path path) throws ApiServerException {
        int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_PATH_BYTES) {
            throw new ApiServerException("api_socket " + path + " is " + bytes + " bytes long; unix socket paths are limited to "
                    + MAX_PATH_BYTES + " bytes");
        }
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
        } catch (IOException e) {
            throw new ApiServerException("cannot create the directory of api_socket " + path + ": " + e, e);
        }
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) return;
        if (!isSocket(path)) {
            throw new ApiServerException("api_socket " + path + " exists and is not a socket; refusing to replace it (remove it or choose another path)");
        }
        try (SocketChannel probe = SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            throw new ApiServerException("another process (a running fleetd?) is already listening on api_socket " + path
                    + "; stop it first or choose another path");
        } catch (ConnectException e) {
            // connection refused: nobody listens, the file is left over from a previous run
        } catch (IOException e) {
            throw new ApiServerException("cannot check whether something listens on api_socket " + path + ": " + e, e);
        }
        try {
            Files.delete(path);
            LOG.info("Removed stale API socket {} (nothing was listening on it)", path);
        } catch (IOException e) {
            throw new ApiServerException("cannot remove stale api_socket " + path + ": " + e, e);
        }
    }

    private static boolean isSocket(Path path) throws ApiServerException {
        try {
            Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return mode instanceof Integer m && (m & S_IFMT) == S_IFSOCK;
        } catch (IOException | UnsupportedOperationException e) {
            throw new ApiServerException("cannot inspect api_socket " + path + ": " + e, e);
        }
    }

    /** Sets the socket's permission bits and, when given, its group; the reason is named when that fails. */
    static void restrict(Path path, int mode, java.util.Optional<String> group) throws ApiServerException {
        try {
            Files.setPosixFilePermissions(path, permissions(mode));
        } catch (IOException e) {
            throw new ApiServerException("cannot set mode " + String.format("%04o", mode) + " on api_socket " + path + ": " + e, e);
        }
        if (group.isPresent()) {
            try {
                GroupPrincipal principal = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group.get());
                Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setGroup(principal);
            } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
                throw new ApiServerException("api_socket_group " + GoQuote.q(group.get()) + " does not exist", e);
            } catch (IOException e) {
                throw new ApiServerException("cannot give api_socket " + path + " to group " + group.get() + ": " + e, e);
            }
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE};
        for (int i = 0; i < 9; i++) {
            if ((mode & (0400 >> i)) != 0) out.add(order[i]);
        }
        return out;
    }
}
