package io.imagebatch.e2e.node;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A plain HTTP server of image files on this machine's address, which pods on the node reach. */
final class ImageServer implements AutoCloseable {
  private final HttpServer server;
  private final String host;
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();

  private ImageServer(HttpServer server, String host) {
    this.server = server;
    this.host = host;
  }

  static ImageServer start(String host) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, 0), 0);
    ImageServer images = new ImageServer(server, host);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = images.files.get(exchange.getRequestURI().getPath());
          if (body == null) {
            exchange.sendResponseHeaders(404, -1);
          } else {
            exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
          exchange.close();
        });
    server.start();
    return images;
  }

  /** Serves each file under {@code dir} (a path like /feed/2026/); returns their URLs. */
  List<String> serve(String dir, List<Path> images) throws IOException {
    for (Path image : images) {
      files.put(dir + image.getFileName(), Files.readAllBytes(image));
    }
    return images.stream().map(i -> url(dir + i.getFileName())).toList();
  }

  String url(String path) {
    return "http://" + host + ":" + server.getAddress().getPort() + path;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
