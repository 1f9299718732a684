// cubie/memory/device_resource.hpp
// The allocation-resource concept every cubie resource and adaptor satisfies, with an
// owning type-erased holder (any_device_resource) and a non-owning reference (device_resource_ref).
#pragma once
#include <concepts>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "cubie/memory/stream_view.hpp"

namespace cubie::memory {

/// @brief Alignment every cubie resource guarantees: cudaMalloc's, and enough for any SIMD
/// width the CPU backend uses, so host and device buffers can be treated alike.
inline constexpr std::size_t resource_alignment = 256;

/// @brief An allocation resource: stream-ordered allocate/deallocate, synchronous twins,
/// and equality (two resources are equal when memory from one may be freed by the other).
///
/// "Device" names the memory the backend computes on: a GPU's memory for the CUDA backend,
/// plain host memory for the CPU backend, so one planner and one set of adaptors serve both.
/// Every allocation is aligned to `resource_alignment`; a request of 0 bytes returns nullptr,
/// and deallocating nullptr does nothing. deallocate never throws (it runs in destructors).
// clang-format off
template <class R>
concept device_resource =
    std::equality_comparable<R> &&
    requires(R& r, void* p, std::size_t bytes, stream_view stream) {
      { r.allocate(bytes, stream) } -> std::same_as<void*>;
      { r.deallocate(p, bytes, stream) } noexcept;
      { r.allocate_sync(bytes) } -> std::same_as<void*>;
      { r.deallocate_sync(p, bytes) } noexcept;
    };
// clang-format on

namespace detail {

// One table of function pointers per resource type: no virtual base is imposed on resources.
struct resource_vtable {
  void* (*allocate)(void* self, std::size_t bytes, stream_view stream);
  void (*deallocate)(void* self, void* p, std::size_t bytes, stream_view stream) noexcept;
  void* (*allocate_sync)(void* self, std::size_t bytes);
  void (*deallocate_sync)(void* self, void* p, std::size_t bytes) noexcept;
  bool (*equal)(const void* self, const void* other) noexcept;
  void (*destroy)(void* self) noexcept;
  const std::type_info& (*type)() noexcept;
};

template <class R>
struct resource_vtable_for {
  static void* allocate(void* s, std::size_t b, stream_view st) { return static_cast<R*>(s)->allocate(b, st); }
  static void deallocate(void* s, void* p, std::size_t b, stream_view st) noexcept {
    static_cast<R*>(s)->deallocate(p, b, st);
  }
  static void* allocate_sync(void* s, std::size_t b) { return static_cast<R*>(s)->allocate_sync(b); }
  static void deallocate_sync(void* s, void* p, std::size_t b) noexcept { static_cast<R*>(s)->deallocate_sync(p, b); }
  static bool equal(const void* a, const void* b) noexcept {
    return *static_cast<const R*>(a) == *static_cast<const R*>(b);
  }
  static void destroy(void* s) noexcept { delete static_cast<R*>(s); }
  static const std::type_info& type() noexcept { return typeid(R); }

  static constexpr resource_vtable table{&allocate, &deallocate, &allocate_sync, &deallocate_sync,
                                         &equal,    &destroy,    &type};
};

}  // namespace detail

class device_resource_ref;
class any_device_resource;

namespace detail {
// The erasing types are excluded first, so checking the concept never recurses through
// their own converting constructors.
template <class R>
concept referenceable_resource = !std::same_as<std::remove_cv_t<R>, device_resource_ref> &&
                                 !std::same_as<std::remove_cv_t<R>, any_device_resource> && device_resource<R>;
// R as deduced for a forwarding reference: a resource that can be copied or moved from it.
template <class R>
concept ownable_resource =
    referenceable_resource<std::remove_cvref_t<R>> && std::constructible_from<std::remove_cvref_t<R>, R>;
}  // namespace detail

/// @brief A non-owning reference to any device_resource; what borrowers (adaptors, pools,
/// backends) hold. The referenced resource must outlive the reference.
class device_resource_ref {
 public:
  /// @brief References `resource`, which must outlive this reference.
  template <detail::referenceable_resource R>
  device_resource_ref(R& resource) noexcept  // NOLINT(google-explicit-constructor): borrows like a reference
      : object_(std::addressof(resource)), vtable_(&detail::resource_vtable_for<R>::table) {}

  /// @brief Allocates `bytes`, ordered on `stream`.
  /// @throws cubie::out_of_memory when the resource cannot provide the bytes.
  [[nodiscard]] void* allocate(std::size_t bytes, stream_view stream) {
    return vtable_->allocate(object_, bytes, stream);
  }
  /// @brief Returns memory from allocate, ordered on `stream`.
  void deallocate(void* p, std::size_t bytes, stream_view stream) noexcept {
    vtable_->deallocate(object_, p, bytes, stream);
  }
  /// @brief Allocates `bytes`, usable at once by any stream.
  /// @throws cubie::out_of_memory when the resource cannot provide the bytes.
  [[nodiscard]] void* allocate_sync(std::size_t bytes) { return vtable_->allocate_sync(object_, bytes); }
  /// @brief Returns memory; the caller guarantees no stream still uses it.
  void deallocate_sync(void* p, std::size_t bytes) noexcept { vtable_->deallocate_sync(object_, p, bytes); }

  /// @brief The concrete resource when it is an `R`, else nullptr.
  template <class R>
  [[nodiscard]] R* target() const noexcept {
    return vtable_->type() == typeid(R) ? static_cast<R*>(object_) : nullptr;
  }

  /// @brief Equal when both refer to resources of one type that compare equal.
  // A template so that no implicit conversion to device_resource_ref is tried: this friend is
  // found by ADL for every adaptor<device_resource_ref>, and converting would make checking
  // the concept on the adaptor depend on itself.
  template <std::same_as<device_resource_ref> T>
  [[nodiscard]] friend bool operator==(const T& a, const T& b) noexcept {
    if (a.object_ == b.object_) return true;
    return a.vtable_->type() == b.vtable_->type() && a.vtable_->equal(a.object_, b.object_);
  }

 private:
  friend class any_device_resource;
  device_resource_ref(void* object, const detail::resource_vtable* vtable) noexcept
      : object_(object), vtable_(vtable) {}

  void* object_;
  const detail::resource_vtable* vtable_;
};

/// @brief An owning, type-erased resource: what an owner (a Solver, a device_memory_stack)
/// holds. Move-only; the resource lives on the heap so references to it survive moves of
/// the holder, and resources that cannot move (pools with locks) can be held too.
class any_device_resource {
 public:
  /// @brief Takes ownership of `resource` (moved onto the heap).
  template <detail::ownable_resource R>
  explicit any_device_resource(R&& resource)
      : any_device_resource(std::in_place_type<std::remove_cvref_t<R>>, std::forward<R>(resource)) {}

  /// @brief Constructs an `R` in place from `args` (for resources that cannot move).
  template <class R, class... Args>
  requires device_resource<R>
  explicit any_device_resource(std::in_place_type_t<R>, Args&&... args)
      : object_(new R(std::forward<Args>(args)...)), vtable_(&detail::resource_vtable_for<R>::table) {}

  any_device_resource(any_device_resource&& other) noexcept
      : object_(std::exchange(other.object_, nullptr)), vtable_(other.vtable_) {}
  any_device_resource& operator=(any_device_resource&& other) noexcept {
    if (this != &other) {
      reset();
      object_ = std::exchange(other.object_, nullptr);
      vtable_ = other.vtable_;
    }
    return *this;
  }
  any_device_resource(const any_device_resource&) = delete;
  any_device_resource& operator=(const any_device_resource&) = delete;
  ~any_device_resource() { reset(); }

  /// @brief False after being moved from.
  [[nodiscard]] explicit operator bool() const noexcept { return object_ != nullptr; }

  /// @brief See device_resource_ref::allocate.
  /// @throws cubie::out_of_memory when the resource cannot provide the bytes.
  [[nodiscard]] void* allocate(std::size_t bytes, stream_view stream) {
    return vtable_->allocate(object_, bytes, stream);
  }
  /// @brief See device_resource_ref::deallocate.
  void deallocate(void* p, std::size_t bytes, stream_view stream) noexcept {
    vtable_->deallocate(object_, p, bytes, stream);
  }
  /// @brief See device_resource_ref::allocate_sync.
  /// @throws cubie::out_of_memory when the resource cannot provide the bytes.
  [[nodiscard]] void* allocate_sync(std::size_t bytes) { return vtable_->allocate_sync(object_, bytes); }
  /// @brief See device_resource_ref::deallocate_sync.
  void deallocate_sync(void* p, std::size_t bytes) noexcept { vtable_->deallocate_sync(object_, p, bytes); }

  /// @brief A non-owning reference to the held resource.
  [[nodiscard]] device_resource_ref ref() noexcept { return device_resource_ref{object_, vtable_}; }
  operator device_resource_ref() noexcept { return ref(); }  // NOLINT: borrowing is the common use

  /// @brief The concrete resource when it is an `R`, else nullptr.
  template <class R>
  [[nodiscard]] R* target() const noexcept {
    return object_ != nullptr && vtable_->type() == typeid(R) ? static_cast<R*>(object_) : nullptr;
  }

  /// @brief Equal when the held resources are of one type and compare equal.
  template <std::same_as<any_device_resource> T>  // no conversions, as for device_resource_ref
  [[nodiscard]] friend bool operator==(const T& a, const T& b) noexcept {
    if (a.object_ == b.object_) return true;
    if (a.object_ == nullptr || b.object_ == nullptr) return false;
    return a.vtable_->type() == b.vtable_->type() && a.vtable_->equal(a.object_, b.object_);
  }

 private:
  void reset() noexcept {
    if (object_ != nullptr) vtable_->destroy(object_);
    object_ = nullptr;
  }

  void* object_;
  const detail::resource_vtable* vtable_;
};

static_assert(device_resource<device_resource_ref>);
static_assert(device_resource<any_device_resource>);

}  // namespace cubie::memory
