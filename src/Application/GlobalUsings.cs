global using MediatR;
