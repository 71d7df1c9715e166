#include "trace/trace-gpiodev.h"
