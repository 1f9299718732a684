// tests/integrate/rooted_trees.hpp
// Rooted trees for the order conditions of Runge-Kutta (tableau_test.cpp) and Rosenbrock
// (rosenbrock_tableau_test.cpp) methods: every tree of a given order and its density gamma(t).
#pragma once
#include <vector>

namespace cubie::test {

using real = long double;

// A rooted tree as a level sequence: node k has depth level[k], node 0 is the root (depth 0)
// and the parent of node k is the last node before it one level up.
using tree = std::vector<int>;

// Beyer & Hedetniemi (SIAM J. Comput. 9, 1980): starting from the path (0, 1, ..., n-1), each
// successor of a canonical level sequence is the next canonical one, so every rooted tree
// with n nodes comes out exactly once; the last is the star (0, 1, ..., 1).
inline std::vector<tree> rooted_trees(int n) {
  std::vector<tree> trees;
  tree level(n);
  for (int k = 0; k < n; ++k) level[k] = k;
  for (;;) {
    trees.push_back(level);
    int p = n - 1;
    while (p > 0 && level[p] == 1) --p;  // last node below depth 1
    if (p == 0) break;
    int q = p - 1;
    while (level[q] != level[p] - 1) --q;  // its parent
    for (int k = p; k < n; ++k) level[k] = level[k - (p - q)];
  }
  return trees;
}

// gamma(t) = |t| * product of gamma over the subtrees hanging from the root.
// `next` receives the index after the subtree rooted at `node`.
inline real density(const tree& t, int node, int& next) {
  int size = 1;
  real g = 1;
  int k = node + 1;
  while (k < static_cast<int>(t.size()) && t[k] > t[node]) {
    int after = 0;
    g *= density(t, k, after);
    size += after - k;
    k = after;
  }
  next = k;
  return g * size;
}

inline real density(const tree& t) {
  int next = 0;
  return density(t, 0, next);
}

/// The children of `node` (indices of the subtrees' roots).
inline std::vector<int> children(const tree& t, int node) {
  std::vector<int> out;
  int k = node + 1;
  while (k < static_cast<int>(t.size()) && t[k] > t[node]) {
    int after = 0;
    (void)density(t, k, after);
    out.push_back(k);
    k = after;
  }
  return out;
}

}  // namespace cubie::test
