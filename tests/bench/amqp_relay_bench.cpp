// The durable relay a user might pick instead of a tracenet hub: RabbitMQ carrying the same
// 1 KiB messages with every durability switch on — a durable queue, persistent messages,
// publisher confirms (a message counts as sent only once the broker confirmed it, i.e. wrote it
// to disk) and a consumer that acknowledges manually. One connection publishes with up to
// --window unconfirmed messages in flight; another consumes with a prefetch of --prefetch and
// acknowledges every --ack-every deliveries (multiple), then at the end. Reports messages/s from
// the first publish to the last acknowledgement, and publish-to-consume latency percentiles.
// Run by ops/bench/relay_comparison.sh against a broker it starts on 127.0.0.1.
#include <amqp.h>
#include <amqp_tcp_socket.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using SteadyClock = std::chrono::steady_clock;

uint64_t NowNs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now().time_since_epoch()).count());
}

bool Check(amqp_rpc_reply_t reply, const char* what) {
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) return true;
  std::fprintf(stderr, "amqp_relay_bench: %s failed (reply type %d)\n", what, static_cast<int>(reply.reply_type));
  return false;
}

// A logged-in connection with channel 1 open and the durable queue declared.
amqp_connection_state_t Connect(int port, const std::string& queue) {
  amqp_connection_state_t conn = amqp_new_connection();
  amqp_socket_t* socket = amqp_tcp_socket_new(conn);
  if (!socket || amqp_socket_open(socket, "127.0.0.1", port) != AMQP_STATUS_OK) {
    std::fprintf(stderr, "amqp_relay_bench: cannot connect to 127.0.0.1:%d\n", port);
    return nullptr;
  }
  if (!Check(amqp_login(conn, "/", 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, "guest", "guest"), "login")) return nullptr;
  amqp_channel_open(conn, 1);
  if (!Check(amqp_get_rpc_reply(conn), "channel.open")) return nullptr;
  amqp_queue_declare(conn, 1, amqp_cstring_bytes(queue.c_str()), /*passive=*/0, /*durable=*/1, /*exclusive=*/0,
                     /*auto_delete=*/0, amqp_empty_table);
  if (!Check(amqp_get_rpc_reply(conn), "queue.declare")) return nullptr;
  return conn;
}

void Close(amqp_connection_state_t conn) {
  amqp_channel_close(conn, 1, AMQP_REPLY_SUCCESS);
  amqp_connection_close(conn, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(conn);
}

double Percentile(std::vector<uint64_t>& v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return static_cast<double>(v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))]) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 5672;
  size_t messages = 100000, size = 1024, window = 1000, prefetch = 1000, ack_every = 50;
  CLI::App app{"RabbitMQ durable relay load: publisher confirms, persistent messages, manual acks"};
  app.add_option("--port", port, "Broker port on 127.0.0.1");
  app.add_option("--messages", messages)->capture_default_str();
  app.add_option("--size", size, "Message body bytes")->capture_default_str();
  app.add_option("--window", window, "Unconfirmed publishes in flight")->capture_default_str();
  app.add_option("--prefetch", prefetch, "Unacknowledged deliveries the consumer may hold")->capture_default_str();
  app.add_option("--ack-every", ack_every, "Acknowledge (multiple) every N deliveries")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const std::string queue = "tracenet-bench";
  amqp_connection_state_t pub = Connect(port, queue);
  amqp_connection_state_t sub = Connect(port, queue);
  if (!pub || !sub) return 1;
  amqp_queue_purge(pub, 1, amqp_cstring_bytes(queue.c_str()));
  amqp_confirm_select(pub, 1);
  if (!Check(amqp_get_rpc_reply(pub), "confirm.select")) return 1;
  amqp_basic_qos(sub, 1, 0, static_cast<uint16_t>(std::min<size_t>(prefetch, 65535)), 0);
  if (!Check(amqp_get_rpc_reply(sub), "basic.qos")) return 1;
  amqp_basic_consume(sub, 1, amqp_cstring_bytes(queue.c_str()), amqp_empty_bytes, 0, /*no_ack=*/0, 0, amqp_empty_table);
  if (!Check(amqp_get_rpc_reply(sub), "basic.consume")) return 1;

  std::vector<uint64_t> latencies;
  latencies.reserve(messages);
  std::atomic<bool> consumer_failed{false};
  uint64_t last_ack_ns = 0;
  std::thread consumer([&] {
    size_t unacked = 0;
    while (latencies.size() < messages) {
      amqp_envelope_t envelope;
      amqp_maybe_release_buffers(sub);
      timeval timeout{30, 0};
      amqp_rpc_reply_t r = amqp_consume_message(sub, &envelope, &timeout, 0);
      if (r.reply_type != AMQP_RESPONSE_NORMAL) {
        consumer_failed = true;
        return;
      }
      uint64_t sent_ns = 0;
      if (envelope.message.body.len >= sizeof sent_ns) std::memcpy(&sent_ns, envelope.message.body.bytes, sizeof sent_ns);
      latencies.push_back(NowNs() - sent_ns);
      if (++unacked >= ack_every || latencies.size() == messages) {
        amqp_basic_ack(sub, 1, envelope.delivery_tag, /*multiple=*/1);
        unacked = 0;
      }
      amqp_destroy_envelope(&envelope);
    }
    last_ack_ns = NowNs();
  });

  std::string body(size, 'x');
  amqp_basic_properties_t props;
  props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_CONTENT_TYPE_FLAG;
  props.delivery_mode = 2;  // persistent
  props.content_type = amqp_cstring_bytes("application/octet-stream");
  uint64_t first_ns = NowNs();
  uint64_t published = 0, confirmed = 0;
  bool publisher_failed = false;
  while (confirmed < messages && !publisher_failed) {
    while (published < messages && published - confirmed < window) {
      uint64_t now = NowNs();
      std::memcpy(body.data(), &now, sizeof now);
      if (amqp_basic_publish(pub, 1, amqp_empty_bytes, amqp_cstring_bytes(queue.c_str()), 0, 0, &props,
                             amqp_bytes_t{body.size(), body.data()}) != AMQP_STATUS_OK) {
        publisher_failed = true;
        break;
      }
      ++published;
    }
    // Wait for confirmations (Basic.Ack, possibly covering many with `multiple`).
    amqp_frame_t frame;
    timeval timeout{30, 0};
    if (amqp_simple_wait_frame_noblock(pub, &frame, &timeout) != AMQP_STATUS_OK) {
      publisher_failed = true;
      break;
    }
    if (frame.frame_type != AMQP_FRAME_METHOD) continue;
    if (frame.payload.method.id == AMQP_BASIC_ACK_METHOD) {
      auto* ack = static_cast<amqp_basic_ack_t*>(frame.payload.method.decoded);
      confirmed = ack->multiple ? std::max<uint64_t>(confirmed, ack->delivery_tag) : confirmed + 1;
    } else if (frame.payload.method.id == AMQP_BASIC_NACK_METHOD) {
      std::fprintf(stderr, "amqp_relay_bench: the broker refused a message (nack)\n");
      publisher_failed = true;
    }
  }
  uint64_t confirmed_ns = NowNs();
  consumer.join();
  Close(pub);
  Close(sub);
  if (publisher_failed || consumer_failed) {
    std::fprintf(stderr, "amqp_relay_bench: %s stopped early (published %llu, confirmed %llu, consumed %zu)\n",
                 publisher_failed ? "publisher" : "consumer", static_cast<unsigned long long>(published),
                 static_cast<unsigned long long>(confirmed), latencies.size());
    return 1;
  }
  double seconds = static_cast<double>(last_ack_ns - first_ns) / 1e9;
  std::printf("rabbitmq messages:  %zu of %zu bytes, publisher window %zu, prefetch %zu, ack every %zu\n", messages,
              size, window, prefetch, ack_every);
  std::printf("rabbitmq confirmed: %.0f messages/s published and confirmed durable\n",
              static_cast<double>(messages) / (static_cast<double>(confirmed_ns - first_ns) / 1e9));
  std::printf("rabbitmq relay:     %.0f messages/s (first publish -> last consumer ack)\n",
              static_cast<double>(latencies.size()) / seconds);
  std::printf("rabbitmq latency:   publish->consume p50 %.1f ms, p99 %.1f ms\n", Percentile(latencies, 0.5),
              Percentile(latencies, 0.99));
  return 0;
}
