// The communicator over Python's torch.distributed default group that the recis package adopted
// (recis._C.adopt_process_group, dist_bindings.cpp): EmbeddingHandle builds its engine with it, so
// tables are sharded by id over the ranks and looked up with all-to-all on that group. Null until
// adopted. Thread-safety: set and read under the GIL.
#pragma once

#include <memory>

#include "recis/dist/communicator.h"

namespace recis::python {

std::shared_ptr<dist::Communicator> adopted_communicator();

}  // namespace recis::python
