// floor: the JSON parse floor for bench/run.
//
// Reads JSON Lines from standard input through one reused buffer, parses
// every line with simdjson's On-Demand API, touches every field of every
// case (every key, every string, every boolean, every nested object and
// array element) and writes one short line per case:
//
//   {"case_id":"LIV-0000001","fields":97,"bytes":1234}
//
// It decides nothing: it is the least any JSON-in, JSON-out program has
// to do with the same input, and entitle's throughput is reported as a
// ratio to it.
//
// Build: g++ -O2 -std=c++17 floor.cpp -lsimdjson -o floor
#include <simdjson.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

using namespace simdjson;

static size_t touch(ondemand::value v, uint64_t &acc);

static size_t touch_object(ondemand::object o, uint64_t &acc) {
  size_t n = 0;
  for (auto field : o) {
    std::string_view key = field.unescaped_key().value();
    acc += key.size();
    n += 1 + touch(field.value().value(), acc);
  }
  return n;
}

static size_t touch(ondemand::value v, uint64_t &acc) {
  switch (v.type().value()) {
  case ondemand::json_type::object:
    return touch_object(v.get_object().value(), acc);
  case ondemand::json_type::array: {
    size_t n = 0;
    for (auto e : v.get_array()) n += touch(e.value(), acc);
    return n;
  }
  case ondemand::json_type::string: {
    std::string_view s = v.get_string().value();
    acc += s.size() + (s.empty() ? 0 : (unsigned char)s[0]);
    return 0;
  }
  case ondemand::json_type::boolean:
    acc += v.get_bool().value();
    return 0;
  case ondemand::json_type::number:
    acc += (uint64_t)v.get_double().value();
    return 0;
  case ondemand::json_type::null:
    (void)v.is_null();
    return 0;
  }
  return 0;
}

int main() {
  ondemand::parser parser;
  size_t cap = 1 << 20;
  char *buf = (char *)std::malloc(cap + SIMDJSON_PADDING);
  size_t start = 0, end = 0;
  bool eof = false;
  static char out[1 << 16];
  setvbuf(stdout, out, _IOFBF, sizeof out);
  uint64_t acc = 0, lines = 0;
  for (;;) {
    char *nl = end > start ? (char *)std::memchr(buf + start, '\n', end - start)
                           : nullptr;
    size_t len;
    if (nl) {
      len = (size_t)(nl - (buf + start));
    } else if (eof) {
      if (end == start) break;
      len = end - start;
    } else {
      // Move the partial line to the front; grow when it fills the buffer.
      std::memmove(buf, buf + start, end - start);
      end -= start;
      start = 0;
      if (end == cap) {
        cap *= 2;
        buf = (char *)std::realloc(buf, cap + SIMDJSON_PADDING);
      }
      size_t k = std::fread(buf + end, 1, cap - end, stdin);
      if (k == 0) eof = true;
      end += k;
      continue;
    }
    const char *line = buf + start;
    start += len + (nl ? 1 : 0);
    lines++;
    if (len == 0) continue;
    // The bytes after the line (the next lines, or the allocated padding)
    // may be read by simdjson but are never taken as part of the document.
    ondemand::document doc;
    auto err = parser.iterate(line, len, cap + SIMDJSON_PADDING - (line - buf)).get(doc);
    if (err) {
      std::fprintf(stderr, "floor: line %llu: %s\n", (unsigned long long)lines,
                   error_message(err));
      return 1;
    }
    ondemand::object o;
    if (doc.get_object().get(o)) {
      std::fprintf(stderr, "floor: line %llu: not an object\n",
                   (unsigned long long)lines);
      return 1;
    }
    std::string_view id;
    size_t fields = 0;
    for (auto field : o) {
      std::string_view key = field.unescaped_key().value();
      acc += key.size();
      ondemand::value v = field.value().value();
      if (key == "case_id") {
        id = v.get_string().value();
        fields++;
      } else {
        fields += 1 + touch(v, acc);
      }
    }
    std::printf("{\"case_id\":\"%.*s\",\"fields\":%zu,\"bytes\":%zu}\n",
                (int)id.size(), id.data(), fields, len);
  }
  std::fflush(stdout);
  std::fprintf(stderr, "floor: %llu lines (simdjson %s, checksum %llu)\n",
               (unsigned long long)lines,
               simdjson::get_active_implementation()->name().c_str(),
               (unsigned long long)acc);
  return 0;
}
