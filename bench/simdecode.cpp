// simdecode: the other way to decode a case, measured beside the one
// entitle ships. Not part of entitle and not a decoder to ship: it reads
// valid cases only, and stops at the first one it cannot take.
//
// It decodes every case of a JSON Lines file held in memory into a VM's
// case memory twice: with facts_decode (src/facts.c, the shipped
// decoder) and with simdjson's On-Demand API as a document stream
// (parser.iterate_many over the whole file), walking each object with
// the program's schema as facts.c does: every key looked up among the
// object's fields (raw, as simdjson compares keys), every value taken by
// its declared type (booleans, whole numbers, text copied into the
// case's text, amounts, dates and enumeration values parsed as facts.c
// parses them), lists into item rows from their templates, records into
// their row, every field counted as seen and the required ones checked,
// the items' keys checked for repeats. After each case the two decodings
// are compared word for word, so that both did the same work; then it
// prints the nanoseconds per case of each way, the fastest of 5 passes.
//
//   simdecode PROGRAM < cases.jsonl
//
// Build (bench/run does it): g++ -O3 -march=native -std=c++17 -I src
//   simdecode.cpp .libs/libentitle-core.a -lsimdjson -lgc -lnettle ...
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include <gc.h>
#include "diag.h"
#include "facts.h"
#include "policy.h"
#include "program.h"
#include "value.h"
#include "vm.h"
}

using namespace simdjson;

namespace {

struct walker {
  ent_vm *vm;
  const ent_program *p;
  std::vector<uint32_t> seen;  // generation stamp per field
  uint32_t gen = 0;
  std::vector<std::vector<ent_val>> item_tmpl;
  std::vector<ent_val> case_tmpl;
  std::vector<uint64_t> keyhash;

  void fill(uint32_t obj, ent_val *row) {
    const prog_object *o = &p->objects[obj];
    for (uint32_t k = 0; k < o->nfields; k++) {
      const prog_field *f = &p->fields[o->first_field + k];
      int kind = TY_KIND(f->type);
      if (kind == TK_RECORD) fill(f->sub, row);
      else if (kind == TK_LIST) row[f->slot] = row[f->slot + 1] = 0;
      else row[f->slot] = (f->flags & FF_DEFAULT) ? f->dflt : VAL_ABSENT;
    }
  }

  explicit walker(ent_vm *v) : vm(v), p(v->p), seen(v->p->nfields + 1) {
    case_tmpl.resize(p->case_width + 1);
    fill(0, case_tmpl.data());
    for (uint32_t l = 0; l < p->nlists; l++) {
      item_tmpl.emplace_back(p->lists[l].width + 1);
      fill(p->lists[l].object, item_tmpl.back().data());
    }
  }

  bool enum_of(int32_t ty, std::string_view s, ent_val *out) {
    const prog_enum *e = &p->enums[TY_IDX(ty)];
    for (uint32_t i = 0; i < e->n; i++) {
      const char *v = prog_str(p, p->enum_values[e->first + i]);
      if (vm->enum_len[e->first + i] == s.size() &&
          !memcmp(v, s.data(), s.size())) {
        *out = i;
        return true;
      }
    }
    return false;
  }

  bool text(std::string_view s, ent_val *out) {
    if (vm_reserve_text(vm, s.size() + 1)) return false;
    memcpy(vm->text + vm->textused, s.data(), s.size());
    *out = TEXT_VAL(0, vm->textused, s.size());
    vm->textused += s.size();
    return true;
  }

  bool value(const prog_field *f, ondemand::value v, ent_val row) {
    ent_val *slot = &vm->mem[row + f->slot];
    switch (TY_KIND(f->type)) {
    case TK_BOOL: {
      bool b;
      if (v.get_bool().get(b)) return false;
      *slot = b;
      return true;
    }
    case TK_INT: {
      int64_t i;
      if (v.get_int64().get(i)) return false;
      *slot = i;
      return true;
    }
    case TK_TEXT:
    case TK_MONEY:
    case TK_DATE:
    case TK_ENUM: {
      std::string_view s;
      if (v.get_string().get(s)) return false;
      switch (TY_KIND(f->type)) {
      case TK_TEXT: return text(s, slot);
      case TK_MONEY: return money_parse(s.data(), s.size(), MONEY_INPUT_MAX, slot);
      case TK_DATE: return date_parse(s.data(), s.size(), slot);
      default: return enum_of(f->type, s, slot);
      }
    }
    case TK_SET: {
      ondemand::array a;
      if (v.get_array().get(a)) return false;
      uint64_t m = 0;
      for (auto e : a) {
        std::string_view s;
        ent_val x;
        if (e.get_string().get(s) || !enum_of(TY(TK_ENUM, TY_IDX(f->type)), s, &x) ||
            ((m >> x) & 1))
          return false;
        m |= UINT64_C(1) << x;
      }
      *slot = (ent_val)m;
      return true;
    }
    case TK_RECORD: {
      ondemand::object o;
      return !v.get_object().get(o) && object(f->sub, o, row);
    }
    case TK_LIST: {
      ondemand::array a;
      if (v.get_array().get(a)) return false;
      const prog_list *l = &p->lists[f->sub];
      ent_val first = (ent_val)vm->memused;
      int64_t n = 0;
      keyhash.clear();
      for (auto e : a) {
        ondemand::object o;
        if (e.get_object().get(o) || vm_reserve(vm, l->width)) return false;
        ent_val item = (ent_val)vm->memused;
        vm->memused += l->width;
        memcpy(&vm->mem[item], item_tmpl[f->sub].data(),
               l->width * sizeof(ent_val));
        if (!object(l->object, o, item)) return false;
        // Keys unique: hashed, compared pairwise only when the hashes
        // agree (the cases here are all valid: no pair ever does).
        uint32_t kl;
        const prog_field *kf = &p->fields[l->key];
        const char *k = vm_text(vm, vm->mem[item + kf->slot], &kl);
        uint64_t h = vm_hash_bytes(k, kl);
        for (uint64_t x : keyhash)
          if (x == h) return false;
        keyhash.push_back(h);
        n++;
      }
      vm->mem[row + f->slot] = first;
      vm->mem[row + f->slot + 1] = n;
      return true;
    }
    }
    return false;
  }

  bool object(uint32_t obj, ondemand::object o, ent_val row) {
    const prog_object *po = &p->objects[obj];
    uint32_t g = ++gen, given = 0;
    uint32_t first = po->first_field, last = first + po->nfields, guess = first;
    for (auto field : o) {
      ondemand::raw_json_string key;
      if (field.key().get(key)) return false;
      uint32_t fi = UINT32_MAX, f = guess;
      for (uint32_t k = 0; k < po->nfields; k++, f++) {
        if (f >= last) f = first;
        const char *name = prog_str(p, p->fields[f].name);
        if (key.unsafe_is_equal(vm->name_len[f], std::string_view(name, vm->name_len[f]))) {
          fi = f;
          break;
        }
      }
      if (fi == UINT32_MAX || seen[fi] == g) return false;
      seen[fi] = g;
      given += vm->required[fi];
      guess = fi + 1;
      ondemand::value v;
      if (field.value().get(v) || !value(&p->fields[fi], v, row)) return false;
    }
    return given == vm->nrequired[obj];
  }

  bool decode(ondemand::document_reference doc) {
    vm->memused = p->case_width;
    vm->textused = 0;
    memcpy(vm->mem, case_tmpl.data(), p->case_width * sizeof(ent_val));
    ondemand::object o;
    return !doc.get_object().get(o) && object(0, o, 0);
  }
};

double now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

int main(int argc, char **argv) {
  GC_INIT();
  if (argc < 2) {
    std::fprintf(stderr, "usage: simdecode PROGRAM < cases.jsonl\n");
    return 64;
  }
  diag *d = diag_new();
  ent_program *p = policy_open(d, argv[1]);
  if (!p) {
    diag_print(d, stderr);
    return 1;
  }
  std::string in;
  {
    char b[1 << 16];
    size_t k;
    while ((k = fread(b, 1, sizeof b, stdin)) > 0) in.append(b, k);
  }
  padded_string json(in);
  std::vector<std::pair<size_t, size_t>> lines;
  for (size_t at = 0; at < in.size();) {
    size_t nl = in.find('\n', at);
    if (nl == std::string::npos) nl = in.size();
    if (nl > at) lines.push_back({at, nl - at});
    at = nl + 1;
  }
  ent_vm *a = vm_new(p), *b = vm_new(p);
  walker w(b);
  ondemand::parser parser;
  double best_facts = 1e9, best_simd = 1e9;
  size_t n = lines.size();
  // First, untimed: both ways decode every case to the same case memory.
  {
    ondemand::document_stream stream;
    if (parser.iterate_many(json.data(), json.size(), 1 << 20).get(stream)) return 1;
    size_t i = 0;
    for (auto it = stream.begin(); it != stream.end(); ++it) {
      ondemand::document_reference dr;
      facts_error e;
      if (i >= n || facts_decode(a, in.data() + lines[i].first, lines[i].second, &e) ||
          (*it).get(dr) || !w.decode(dr) || a->memused != b->memused ||
          memcmp(a->mem, b->mem, a->memused * sizeof(ent_val)) ||
          a->textused != b->textused || memcmp(a->text, b->text, a->textused)) {
        std::fprintf(stderr, "simdecode: case %zu decoded differently\n", i + 1);
        return 1;
      }
      i++;
    }
    if (i != n) return 1;
  }
  for (int pass = 0; pass < 5; pass++) {
    double t0 = now();
    for (auto &l : lines) {
      facts_error e;
      if (facts_decode(a, in.data() + l.first, l.second, &e)) {
        std::fprintf(stderr, "simdecode: facts_decode refused a case\n");
        return 1;
      }
    }
    double t1 = now();
    ondemand::document_stream stream;
    if (parser.iterate_many(json.data(), json.size(), 1 << 20).get(stream)) return 1;
    size_t i = 0;
    for (auto it = stream.begin(); it != stream.end(); ++it) {
      ondemand::document_reference dr;
      if ((*it).get(dr) || !w.decode(dr)) {
        std::fprintf(stderr, "simdecode: case %zu not taken\n", i + 1);
        return 1;
      }
      i++;
    }
    double t2 = now();
    best_facts = std::min(best_facts, (t1 - t0) / n);
    best_simd = std::min(best_simd, (t2 - t1) / n);
    if (i != n) return 1;
  }
  std::printf("{\"cases\":%zu,\"facts_decode_ns\":%.1f,\"simdjson_ns\":%.1f}\n",
              n, best_facts * 1e9, best_simd * 1e9);
  vm_free(a);
  vm_free(b);
  return 0;
}
