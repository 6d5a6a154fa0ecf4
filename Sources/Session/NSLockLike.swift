import Foundation

/// A mutex with a closure helper; Foundation's NSLock, named for what it is used as here.
typealias NSLockLike = NSLock
