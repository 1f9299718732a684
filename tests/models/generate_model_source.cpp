// Build-time code generation for the tests: model_codegen_tool MODEL OUT STRUCT [--set k=v]...
// writes generate_system_source() of the model (after the overrides) to OUT.
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "cubie/models/codegen.hpp"
#include "cubie/models/model.hpp"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: " << argv[0] << " MODEL.toml OUT.hpp STRUCT_NAME [--set section.key=value]...\n";
    return 2;
  }
  try {
    cubie::models::model_definition model = cubie::models::load_model(argv[1]);
    for (int i = 4; i < argc; ++i) {
      std::string arg = argv[i];
      if (arg != "--set" || i + 1 >= argc) {
        std::cerr << "unexpected argument '" << arg << "'\n";
        return 2;
      }
      cubie::models::apply_override(model, argv[++i]);
    }
    std::string source = cubie::models::generate_system_source(model, argv[3]);
    std::filesystem::path out = argv[2];
    std::filesystem::create_directories(out.parent_path());
    std::ofstream file(out, std::ios::binary);
    file << source;
    if (!file) {
      std::cerr << "cannot write " << out << "\n";
      return 1;
    }
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  return 0;
}
