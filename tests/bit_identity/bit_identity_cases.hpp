// tests/bit_identity/bit_identity_cases.hpp
// A fixed set of solves (every method, both precisions, several schedules, chunked and
// not, failing runs) whose outputs are digested and compared with digests recorded
// before a change: refactors that promise "no change in any result" are held to it.
//
// Set CUBIE_RECORD_BIT_IDENTITY=1 to (re)write the reference file instead of checking it:
// only when a result is meant to change, and say why in the commit.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cubie/execution/compiled_system.hpp"

namespace cubie::test {

/// FNV-1a over every output byte of each case, keyed by the case's name.
using digest_map = std::map<std::string, std::uint64_t>;

/// Solves every case on `backend` ("cpu" or "cuda") with the methods `system` was
/// compiled with for that backend.
digest_map run_bit_identity_cases(const std::shared_ptr<const compiled_system>& system, const std::string& backend);

/// Reads a reference file (lines "case digest-in-hex"); empty map when it is missing.
digest_map read_digests(const std::string& path);
void write_digests(const std::string& path, const digest_map& digests);

}  // namespace cubie::test
