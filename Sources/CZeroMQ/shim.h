#ifndef LATENT_CZEROMQ_SHIM_H
#define LATENT_CZEROMQ_SHIM_H
#include <zmq.h>
#endif
