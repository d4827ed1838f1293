// floor: the JSON parse floor for bench/run, read as a document stream.
//
// Reads JSON Lines from standard input through one reused 8 MiB buffer
// and parses the whole lines it holds as one simdjson document stream,
// the way simdjson itself reads JSON Lines: its first stage finds the
// structural characters of a whole batch of documents at a time with
// SIMD, and the second walks each document. Writes one short line per
// case:
//
//   {"case_id":"LIV-0000001","fields":97,"bytes":1234}
//
// It decides nothing and checks nothing against a schema: it is the
// least any JSON-in, JSON-out program has to do with the same input, and
// entitle's throughput is reported as a ratio to it.
//
//   floor          On-Demand (parser.iterate_many): every key compared
//                  raw, as simdjson's own field lookup compares them, and
//                  every value the Liverpool decisions read taken (the
//                  strings unescaped, the booleans as booleans); the
//                  values nobody reads are skipped
//   floor --all    the same, but every key unescaped and every value
//                  taken
//   floor --dom    the DOM stream (parser.parse_many): each document
//                  parsed whole into simdjson's tape, then every key and
//                  value of it read
//
// floor_line.cpp is the older floor: one parser.iterate() per line.
//
// Build: g++ -O3 -march=native -std=c++17 floor.cpp -lsimdjson -o floor
// (-march=native: simdjson compiles its On-Demand walk for the machine's
// own instructions only when told it may; its first stage picks them at
// run time either way).
#include <simdjson.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

using namespace simdjson;

// --- On-Demand ---------------------------------------------------------

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

// Whether raw key 'k' (as it is in the input) names a field the
// decisions read (rules/send/liverpool.rules over national.rules).
static bool read_by_decisions(ondemand::raw_json_string k) {
  switch (k.raw()[0]) {
  case 'a': return k.unsafe_is_equal("authority") ||
                   k.unsafe_is_equal("annual_cost") ||
                   k.unsafe_is_equal("affects_others");
  case 'b': return k.unsafe_is_equal("block_contract");
  case 'c': return k.unsafe_is_equal("child");
  case 'd': return k.unsafe_is_equal("decision_date") ||
                   k.unsafe_is_equal("date_of_birth");
  case 'e': return k.unsafe_is_equal("ehc_stage") ||
                   k.unsafe_is_equal("exceptional_circumstances") ||
                   k.unsafe_is_equal("employs_household_member");
  case 'f': return k.unsafe_is_equal("family_disputes_amount");
  case 'i': return k.unsafe_is_equal("id") || k.unsafe_is_equal("in_request");
  case 'p': return k.unsafe_is_equal("provisions") ||
                   k.unsafe_is_equal("personal_budget_requested");
  case 's': return k.unsafe_is_equal("stream") ||
                   k.unsafe_is_equal("school_placement");
  case 'u': return k.unsafe_is_equal("universal");
  }
  return false;
}

static size_t read_object(ondemand::object o, uint64_t &acc);

// A value of a field the decisions read: a string, a boolean, an object
// (the child) or a list of objects (the provisions).
static size_t read_value(ondemand::value v, uint64_t &acc) {
  switch (v.type().value()) {
  case ondemand::json_type::object:
    return read_object(v.get_object().value(), acc);
  case ondemand::json_type::array: {
    size_t n = 0;
    for (auto e : v.get_array()) n += read_object(e.get_object().value(), acc);
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
  default:
    return touch(v, acc);
  }
}

static size_t read_object(ondemand::object o, uint64_t &acc) {
  size_t n = 0;
  for (auto field : o) {
    n++;
    if (read_by_decisions(field.key().value()))
      n += read_value(field.value().value(), acc);
  }
  return n;
}

// The whole lines of buf[0, len): one On-Demand document stream.
static int stream_ondemand(ondemand::parser &parser, const char *buf,
                           size_t len, bool all, uint64_t &acc,
                           uint64_t &docs) {
  ondemand::document_stream stream;
  auto err = parser.iterate_many(buf, len, 1 << 20).get(stream);
  if (err) {
    std::fprintf(stderr, "floor: %s\n", error_message(err));
    return -1;
  }
  for (auto it = stream.begin(); it != stream.end(); ++it) {
    ondemand::document_reference doc;
    ondemand::object o;
    if ((err = (*it).get(doc)) || (err = doc.get_object().get(o))) {
      std::fprintf(stderr, "floor: case %llu: %s\n",
                   (unsigned long long)docs + 1, error_message(err));
      return -1;
    }
    docs++;
    std::string_view id;
    size_t fields = 0;
    for (auto field : o) {
      ondemand::raw_json_string key = field.key().value();
      fields++;
      if (key.unsafe_is_equal("case_id"))
        id = field.value().get_string().value();
      else if (all)
        fields += touch(field.value().value(), acc);
      else if (read_by_decisions(key))
        fields += read_value(field.value().value(), acc);
    }
    std::printf("{\"case_id\":\"%.*s\",\"fields\":%zu,\"bytes\":%zu}\n",
                (int)id.size(), id.data(), fields, it.source().size());
  }
  if (stream.truncated_bytes()) {
    std::fprintf(stderr, "floor: a case is not whole JSON\n");
    return -1;
  }
  return 0;
}

// --- DOM -----------------------------------------------------------------

static size_t touch_dom(dom::element e, uint64_t &acc) {
  switch (e.type()) {
  case dom::element_type::OBJECT: {
    size_t n = 0;
    for (auto f : dom::object(e)) {
      acc += f.key.size();
      n += 1 + touch_dom(f.value, acc);
    }
    return n;
  }
  case dom::element_type::ARRAY: {
    size_t n = 0;
    for (auto x : dom::array(e)) n += touch_dom(x, acc);
    return n;
  }
  case dom::element_type::STRING: {
    std::string_view s = e.get_string().value_unsafe();
    acc += s.size() + (s.empty() ? 0 : (unsigned char)s[0]);
    return 0;
  }
  case dom::element_type::BOOL:
    acc += e.get_bool().value_unsafe();
    return 0;
  case dom::element_type::NULL_VALUE:
    return 0;
  default:
    acc += (uint64_t)e.get_double().value_unsafe();
    return 0;
  }
}

static int stream_dom(dom::parser &parser, const char *buf, size_t len,
                      uint64_t &acc, uint64_t &docs) {
  dom::document_stream stream;
  auto err = parser.parse_many(buf, len, 1 << 20).get(stream);
  if (err) {
    std::fprintf(stderr, "floor: %s\n", error_message(err));
    return -1;
  }
  for (auto it = stream.begin(); it != stream.end(); ++it) {
    dom::element doc;
    dom::object o;
    if ((err = (*it).get(doc)) || (err = doc.get_object().get(o))) {
      std::fprintf(stderr, "floor: case %llu: %s\n",
                   (unsigned long long)docs + 1, error_message(err));
      return -1;
    }
    docs++;
    std::string_view id;
    size_t fields = 0;
    for (auto f : o) {
      fields++;
      if (f.key == "case_id")
        id = f.value.get_string().value_unsafe();
      else
        fields += touch_dom(f.value, acc);
    }
    std::printf("{\"case_id\":\"%.*s\",\"fields\":%zu,\"bytes\":%zu}\n",
                (int)id.size(), id.data(), fields, it.source().size());
  }
  if (stream.truncated_bytes()) {
    std::fprintf(stderr, "floor: a case is not whole JSON\n");
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  bool all = !std::strcmp(mode, "--all"), dom_mode = !std::strcmp(mode, "--dom");
  ondemand::parser parser;
  dom::parser dparser;
  const size_t cap = 8 << 20;
  char *buf = (char *)std::malloc(cap + SIMDJSON_PADDING);
  size_t have = 0;
  bool eof = false;
  static char out[1 << 16];
  setvbuf(stdout, out, _IOFBF, sizeof out);
  uint64_t acc = 0, docs = 0;
  while (!eof || have) {
    while (!eof && have < cap) {
      size_t k = std::fread(buf + have, 1, cap - have, stdin);
      if (k == 0) eof = true;
      have += k;
    }
    // The whole lines: up to the last newline, or everything at the end.
    size_t len = have;
    if (!eof) {
      const char *nl = (const char *)memrchr(buf, '\n', have);
      if (!nl) {
        std::fprintf(stderr, "floor: a line longer than %zu bytes\n", cap);
        return 1;
      }
      len = (size_t)(nl - buf) + 1;
    }
    int r = dom_mode ? stream_dom(dparser, buf, len, acc, docs)
                     : stream_ondemand(parser, buf, len, all, acc, docs);
    if (r) return 1;
    std::memmove(buf, buf + len, have - len);
    have -= len;
  }
  std::fflush(stdout);
  std::fprintf(stderr, "floor: %llu cases (simdjson %s, %s, checksum %llu)\n",
               (unsigned long long)docs,
               simdjson::get_active_implementation()->name().c_str(),
               dom_mode ? "parse_many" : "iterate_many",
               (unsigned long long)acc);
  return 0;
}
