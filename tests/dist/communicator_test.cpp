// Communicator's in-place collectives between two ranks (threads of this process over loopback):
// all_reduce_sum gives every rank the exact sum, broadcast every rank the source's values, and a
// source rank outside the job is refused with a line naming it.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "recis/common/error.h"
#include "recis/dist/communicator.h"
#include "recis/dist/free_port.h"

namespace recis::dist {
namespace {

// Runs body(communicator) on ranks 0 and 1; returns each rank's error text ("" when none).
template <typename Body>
std::vector<std::string> on_two_ranks(Body body) {
  const uint16_t port = free_loopback_port();
  std::vector<std::string> failures(2);
  auto rank_main = [&](int rank) {
    try {
      DistEnv env;
      env.rank = rank;
      env.world_size = 2;
      env.master_port = port;
      Communicator communicator(env, std::chrono::seconds(30));
      body(communicator);
    } catch (const std::exception& error) {
      failures[rank] = error.what();
    }
  };
  std::thread rank1(rank_main, 1);
  rank_main(0);
  rank1.join();
  return failures;
}

TEST(Communicator, AllReduceSumAndBroadcastAreExactOnEveryRank) {
  std::vector<torch::Tensor> sums(2), broadcast_floats(2), broadcast_ints(2);
  const auto failures = on_two_ranks([&](Communicator& communicator) {
    const int rank = communicator.rank();
    std::vector<torch::Tensor> reduced{torch::tensor({1.5, -2.0, 0.25}) * (rank + 1)};
    communicator.all_reduce_sum(reduced, "test values");
    std::vector<torch::Tensor> sent{torch::tensor({10.0F, 20.0F}) + static_cast<float>(rank),
                                    torch::tensor({int64_t{7}, int64_t{8}, int64_t{9}}) * rank};
    communicator.broadcast(sent, 1, "test state");
    sums[rank] = reduced[0];
    broadcast_floats[rank] = sent[0];
    broadcast_ints[rank] = sent[1];
  });
  ASSERT_EQ(failures[0], "");
  ASSERT_EQ(failures[1], "");
  for (int rank = 0; rank < 2; ++rank) {
    EXPECT_TRUE(torch::equal(sums[rank], torch::tensor({4.5, -6.0, 0.75})));
    EXPECT_TRUE(torch::equal(broadcast_floats[rank], torch::tensor({11.0F, 21.0F})));
    EXPECT_TRUE(torch::equal(broadcast_ints[rank], torch::tensor({int64_t{7}, int64_t{8}, int64_t{9}})));
  }
}

TEST(Communicator, BroadcastFromARankOutsideTheJobIsRefused) {
  const auto failures = on_two_ranks([](Communicator& communicator) {
    std::vector<torch::Tensor> state{torch::zeros({2})};
    communicator.broadcast(state, 2, "the dense state");
  });
  for (const std::string& failure : failures) {
    EXPECT_EQ(failure, "dist: broadcast of the dense state: source rank 2 is not in 0..1");
  }
}

}  // namespace
}  // namespace recis::dist
