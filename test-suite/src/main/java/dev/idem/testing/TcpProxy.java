package dev.idem.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP proxy on the loopback interface in front of a database server, to break the network on
 * command: {@link #cutAll()} closes every connection through it (as a failover or a firewall reset
 * would), {@link #stall} stops forwarding bytes in one or both directions while keeping the connections
 * open (a partition: the client waits for its driver's socket timeout), {@link #resume()} lets them flow
 * again. Point a pool at {@link #route(String)} of the server's JDBC URL. Plain sockets, two threads per
 * connection; {@link #close()} ends them all.
 */
public final class TcpProxy implements AutoCloseable {

    /** Which bytes to hold back. */
    public enum Direction { TO_SERVER, TO_CLIENT, BOTH }

    private static final Pattern HOST_PORT = Pattern.compile("//([^/:?]+):(\\d+)");

    private final String host;
    private final int port;
    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final Object flow = new Object();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger closedByClient = new AtomicInteger();
    private final AtomicInteger heldForClient = new AtomicInteger();
    private volatile boolean toServerStalled;
    private volatile boolean toClientStalled;
    private volatile boolean closed;

    private TcpProxy(String host, int port) throws IOException {
        this.host = host;
        this.port = port;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        start("accept", this::acceptLoop);
    }

    /** A proxy in front of the server that {@code jdbcUrl} names ({@code jdbc:...://host:port/...}). */
    public static TcpProxy inFrontOf(String jdbcUrl) throws IOException {
        Matcher m = HOST_PORT.matcher(jdbcUrl);
        if (!m.find()) {
            throw new IllegalArgumentException("no host:port in " + jdbcUrl);
        }
        return new TcpProxy(m.group(1), Integer.parseInt(m.group(2)));
    }

    /** The port the proxy listens on, on 127.0.0.1. */
    public int port() {
        return listener.getLocalPort();
    }

    /** {@code jdbcUrl} with its host and port replaced by the proxy's. */
    public String route(String jdbcUrl) {
        return HOST_PORT.matcher(jdbcUrl).replaceFirst("//127.0.0.1:" + port());
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** Connections the client side closed or reset so far (a driver giving up on a stalled socket does). */
    public int closedByClient() {
        return closedByClient.get();
    }

    /**
     * Returns once the server has answered something that the proxy holds back from the client (after
     * {@link #stall stall(TO_CLIENT)}): the statement sent before was received and run.
     */
    public void awaitHeldAnswer() throws InterruptedException, java.util.concurrent.TimeoutException {
        synchronized (flow) {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (heldForClient.get() == 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new java.util.concurrent.TimeoutException("the server never answered through the proxy");
                }
                flow.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** Closes every connection through the proxy; new ones are still accepted. */
    public void cutAll() {
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        sockets.clear();
    }

    /** Stops forwarding bytes in {@code direction}; connections stay open and new ones are accepted. */
    public void stall(Direction direction) {
        synchronized (flow) {
            toServerStalled = direction != Direction.TO_CLIENT;
            toClientStalled = direction != Direction.TO_SERVER;
        }
    }

    /** Forwards bytes again, the held ones first. */
    public void resume() {
        synchronized (flow) {
            toServerStalled = false;
            toClientStalled = false;
            heldForClient.set(0);
            flow.notifyAll();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(new InetSocketAddress(host, port), 5_000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(server);
                accepted.incrementAndGet();
                start("to-server", () -> pump(client, server, true));
                start("to-client", () -> pump(server, client, false));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("[idem] proxy: " + e.getMessage());
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean toServer) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                awaitFlow(toServer);
                out.write(buffer, 0, n);
                out.flush();
            }
            if (toServer) {
                closedByClient.incrementAndGet();
            }
        } catch (IOException e) {
            if (toServer && !from.isClosed()) {
                closedByClient.incrementAndGet(); // reset by the client
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private void awaitFlow(boolean toServer) throws InterruptedException {
        synchronized (flow) {
            if (!toServer && toClientStalled && !closed) {
                heldForClient.incrementAndGet();
                flow.notifyAll();
            }
            while (!closed && (toServer ? toServerStalled : toClientStalled)) {
                flow.wait();
            }
        }
    }

    private void start(String name, Runnable body) {
        Thread thread = new Thread(body, "idem-proxy-" + port + "-" + name);
        thread.setDaemon(true);
        threads.add(thread);
        threads.removeIf(t -> !t.isAlive() && t != thread);
        thread.start();
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        closeQuietly(listener);
        resume();
        cutAll();
        for (Thread thread : threads) {
            thread.join(5_000);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing is all that is wanted
        }
    }
}
