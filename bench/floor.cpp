// floor: the JSON parse floor for bench/run, read as a document stream.
//
// Reads JSON Lines from standard input through one reused 8 MiB buffer
// and parses the whole lines it holds with simdjson's document stream
// (On-Demand `parser.iterate_many`), the way simdjson itself reads JSON
// Lines: its first stage finds the structural characters of a whole
// batch of documents at a time with SIMD, and the second walks each one.
// Of every case it reads every key and every value the Liverpool
// decisions read (the strings unescaped, the booleans as booleans), and
// writes one short line per case:
//
//   {"case_id":"LIV-0000001","fields":97,"bytes":1234}
//
// It decides nothing and checks nothing against a schema: it is the
// least any JSON-in, JSON-out program has to do with the same input, and
// entitle's throughput is reported as a ratio to it. floor_line.cpp is
// the older floor, one `parser.iterate` per line.
//
//   floor [--all]    --all: touch every value, not only those the
//                    decisions read (slower; for comparison)
//
// Build: g++ -O2 -std=c++17 floor.cpp -lsimdjson -o floor
#include <simdjson.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

using namespace simdjson;

static bool all = false;

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

// Whether raw key 'k' (as it is in the input: simdjson compares keys
// raw, without unescaping them, in its own field lookups) names a field
// the decisions read (rules/send/liverpool.rules over national.rules):
// the others are skipped, as simdjson skips a value not asked for.
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

int main(int argc, char **argv) {
  all = argc > 1 && !std::strcmp(argv[1], "--all");
  ondemand::parser parser;
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
    ondemand::document_stream stream;
    auto err = parser.iterate_many(buf, len, getenv("BATCH") ? atoi(getenv("BATCH")) : 1 << 20).get(stream);
    if (err) {
      std::fprintf(stderr, "floor: %s\n", error_message(err));
      return 1;
    }
    for (auto it = stream.begin(); it != stream.end(); ++it) {
      ondemand::document_reference doc;
      ondemand::object o;
      if ((err = (*it).get(doc)) || (err = doc.get_object().get(o))) {
        std::fprintf(stderr, "floor: case %llu: %s\n",
                     (unsigned long long)docs + 1, error_message(err));
        return 1;
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
      return 1;
    }
    std::memmove(buf, buf + len, have - len);
    have -= len;
  }
  std::fflush(stdout);
  std::fprintf(stderr, "floor: %llu cases (simdjson %s, iterate_many, "
               "checksum %llu)\n", (unsigned long long)docs,
               simdjson::get_active_implementation()->name().c_str(),
               (unsigned long long)acc);
  return 0;
}
